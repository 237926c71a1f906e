"""Services across the boundary: apps over real HTTP, fresh processes, sizes, logs, threads."""

from __future__ import annotations

import functools
import json
import logging
import os
import pickle
import time

import numpy as np
import pandas as pd
import pytest

from course.boundary import services
from course.testing import (
    FreshProcessError,
    capture_logs,
    http_json,
    learner_copy,
    on_learner,
    pickled_bytes,
    pickled_size,
    run_in_fresh_process,
    serve_app,
    thread_ids,
)

LEARNER = '''
import logging
import os
import pickle
import threading
import time

import flask
import numpy as np

log = logging.getLogger("serving")

def create_app(scale):
    app = flask.Flask("learner-app")

    @app.post("/double")
    def double():
        value = flask.request.get_json()["x"]
        log.info("doubled %s", value, extra={"latency_ms": 1.5})
        return {"y": value * scale, "pid": os.getpid()}

    return app

def key(values):
    return str(hash("|".join(map(str, values))))

def mutate(frame):
    frame["x"] = 0

def start_threads(n):
    stop = threading.Event()
    for _ in range(n):
        threading.Thread(target=stop.wait, daemon=True).start()
    return stop

def model():
    from sklearn.tree import DecisionTreeClassifier
    return DecisionTreeClassifier().fit([[0], [1]], [0, 1])
'''


def test_a_learner_app_is_served_by_the_learner_side_over_real_http(make_pair):
    import os

    p = make_pair(LEARNER)
    app = p["create_app"](3)
    with capture_logs("serving", logging.INFO) as logs, serve_app(app) as url:
        assert url.startswith("http://127.0.0.1:")
        status, body, _ = http_json("POST", url + "/double", {"x": 7})
        records = logs.records
    assert status == 200 and body["y"] == 21 and body["pid"] == os.getpid()
    assert [r.getMessage() for r in records] == ["doubled 7"]
    assert records[0].levelno == logging.INFO and records[0].args == (7,)
    assert vars(records[0])["latency_ms"] == 1.5
    assert not logging.getLogger("serving").handlers  # captured on the learner side only


def test_fresh_processes_start_from_the_learner_side(make_pair):
    p = make_pair(LEARNER)
    here = p["key"]([1, 2, 3])
    there = [run_in_fresh_process(p["key"], [1, 2, 3], hashseed=seed) for seed in (1, 2)]
    assert there[0] != there[1] and type(there[0]) is str and here  # hash() is salted per process
    with pytest.raises(FreshProcessError, match="failed in a fresh Python process"):
        run_in_fresh_process(p["key"], 5)
    assert run_in_fresh_process(json.dumps, {"a": 1}) == '{"a": 1}'  # a library function, by name


FRESH = LEARNER + """
import os
import pickle


class Box:
    def __init__(self, value):
        self.value = value


def save_box(value, path):
    with open(path, "wb") as f:
        pickle.dump(Box(value), f)  # by reference: __main__.Box, as in a notebook


def load_box(path):
    with open(path, "rb") as f:
        return pickle.load(f)


def where():
    return os.getpid()
"""


def test_a_tests_own_function_runs_here_against_a_fresh_learner_process(make_pair, tmp_path):
    """No test code crosses: the function runs in the grader, the learner's names are a new process's."""
    p = make_pair(FRESH)
    received = []
    dispatch = p.learner_side._dispatch
    p.learner_side._dispatch = lambda msg: (received.append(json.dumps(msg)), dispatch(msg))[1]
    exec("def the_tests_own(values):\n"
         "    note = 'zanzibar is in the test only'\n"
         "    return {'key': key(values), 'n': len(values), 'pid': where(), 'note': note[:0]}\n"
         "def save_elsewhere(value, path):\n"
         "    save_box(value, path)\n"
         "def load_elsewhere(path):\n"
         "    return load_box(path).value\n", p.grader_ns)
    first, second = (run_in_fresh_process(p["the_tests_own"], [4, 5], hashseed=seed) for seed in (7, 8))
    assert first["n"] == 2 and first["key"] != second["key"]  # each its own hash seed
    assert len({first["pid"], second["pid"], os.getpid()}) == 3  # two new processes
    path = str(tmp_path / "box.pkl")
    run_in_fresh_process(p["save_elsewhere"], {"w": [1, 2]}, path)
    assert run_in_fresh_process(p["load_elsewhere"], path) == {"w": [1, 2]}
    assert received and not any("zanzibar" in r or "the_tests_own" in r for r in received)
    with pytest.raises(FreshProcessError, match="not plain data"):
        run_in_fresh_process(lambda path: load_box(path), path)  # noqa: F821 -- a learner name
    with pytest.raises(TypeError, match="runs a function"):
        run_in_fresh_process(functools.partial(print, 1))


def test_a_fresh_endpoint_that_runs_too_long_is_stopped(make_pair):
    p = make_pair(LEARNER + "\nimport time\n\ndef sleepy():\n    time.sleep(300)\n")
    exec("def waits():\n    sleepy()\n", p.grader_ns)
    started = time.monotonic()
    with pytest.raises(FreshProcessError, match="longer than 10 s|did not start within 10 s"):
        run_in_fresh_process(p["waits"], timeout=10)  # (starting counts: a loaded machine is slow)
    assert time.monotonic() - started < 120


def test_sizes_are_measured_on_bytes_never_unpickled(make_pair, monkeypatch):
    p = make_pair(LEARNER)
    obj = p["model"]()  # a learner object: its pickled bytes come back as bytes
    data = pickled_bytes(obj)
    with monkeypatch.context() as patched:
        patched.setattr(pickle, "loads", lambda *a, **k: pytest.fail("unpickled in the grader"))
        assert type(data) is bytes and pickled_size(obj) == len(data) > 0
    # the test's own objects are measured here, on the copy learner code gets (made from the
    # grader's own bytes), so no learner-side code takes part in their size
    monkeypatch.setitem(services.LEARNER_SERVICES, "pickled", lambda conn, obj, protocol=5: b"lie")
    assert pickled_size([1, 2]) == len(pickle.dumps([1, 2], protocol=5))
    frame = pd.DataFrame({"x": [1.5, 2.5]})
    assert pickled_size(frame) == len(pickle.dumps(pickle.loads(pickle.dumps(frame, protocol=5)), protocol=5))


def test_a_learner_copy_shows_what_learner_code_did_to_it(make_pair):
    p = make_pair(LEARNER)
    frame = pd.DataFrame({"x": [1, 2]})
    given = learner_copy(frame)
    p["mutate"](given)
    assert list(frame["x"]) == [1, 2]
    assert list(given.copy(deep=True)["x"]) == [0, 0]


def test_threads_are_counted_where_the_learner_code_runs(make_pair):
    p = make_pair(LEARNER)
    before = thread_ids()
    stop = p["start_threads"](2)
    assert len(thread_ids() - before) == 2
    stop.set()


def test_library_functions_run_on_learner_objects_where_they_live(make_pair):
    p = make_pair(LEARNER)
    assert on_learner(np.sum, [1, 2, 3]) == 6
    assert on_learner(getattr, p["create_app"](1), "name") == "learner-app"
    with pytest.raises(TypeError, match="library functions"):
        on_learner(lambda: 1)


def test_a_fresh_endpoint_must_be_a_new_process(make_pair, monkeypatch):
    """A learner side that answers "fresh" from its own, older process is refused (SO_PEERCRED)."""
    import socket
    import threading

    from course.boundary import learner, services

    p = make_pair(FRESH)

    def from_this_process(conn, address, names, hashseed):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(address)
        side = learner.LearnerSide(sock, conn.namespace)
        threading.Thread(target=lambda: side.serve("never"), daemon=True).start()
        return 0

    monkeypatch.setitem(services.LEARNER_SERVICES, "fresh_endpoint", from_this_process)
    monkeypatch.setitem(services.LEARNER_SERVICES, "fresh_endpoint_stop", lambda conn, ident: None)
    exec("def pid_elsewhere():\n    return where()\n", p.grader_ns)
    with pytest.raises(FreshProcessError, match="not a new Python process"):
        run_in_fresh_process(p["pid_elsewhere"])
