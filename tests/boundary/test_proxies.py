"""Proxies in the grader: learner objects are used, never trusted; the test's objects are lent."""

from __future__ import annotations

import pickle
import threading
import time

import numpy as np
import pandas as pd
import pytest

from course.testing import (
    as_array,
    as_dict,
    as_float,
    assert_close,
    assert_equal,
    check,
    is_instance,
)

LEARNER = '''
import threading
import numpy as np
import pandas as pd

def add(a, b):
    return a + b

def frame(n):
    return pd.DataFrame({"x": np.arange(n), "s": ["a"] * n})

class Model:
    def __init__(self, k):
        self.k = k
    def predict(self, X):
        return np.asarray(X, dtype=float).sum(axis=1) * self.k
    def fit(self, X, y):
        self.fitted_ = True
        return self

class ResourceError(Exception):
    pass

def over_quota():
    raise ResourceError("quota exceeded for tenant a")

def missing(path):
    open(path)

def key_error():
    raise {"a": 1}["b"]

def same(x):
    return x

SHARED = Model(2)

def shared():
    return SHARED

def call_clock(clock, n=3):
    return [clock() for _ in range(n)]

def append_to(sink, values):
    for v in values:
        sink(v)

def in_threads(model, rows, workers=4):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda r: float(model.predict([r])[0]), rows))

def thread_name():
    return threading.current_thread().name
'''


def test_calls_return_plain_data_of_exact_types(make_pair):
    p = make_pair(LEARNER)
    assert p["add"](2, 3) == 5 and type(p["add"](2, 3)) is int
    assert type(p["add"](np.int64(2), 3)) is np.int64
    got = p["frame"](3)
    assert type(got) is pd.DataFrame and list(got["x"]) == [0, 1, 2]


def test_objects_stay_learner_side_with_identity_kept(make_pair):
    p = make_pair(LEARNER)
    model = p["Model"](3)
    assert type(model).__name__ == "Model" and repr(model) == "<Model object from the learner's notebook>"
    assert model.k == 3
    assert model.fit([[1]], [0]) is model
    assert p["shared"]() is p["shared"]() and p["Model"](3) is not model
    assert_close(model.predict(np.ones((2, 2))), [6.0, 6.0], "predict")
    model.k = 10
    assert model.k == 10 and p.learner_ns["SHARED"].k == 2
    assert is_instance(model, type("Model", (), {"__module__": "__learner__", "__qualname__": "Model"}))
    assert not isinstance(model, float)


@pytest.mark.parametrize("operation", [bool, len, iter, float, int, complex, range])
def test_nothing_a_verdict_rests_on_is_asked_of_a_learner_object(make_pair, operation):
    p = make_pair(LEARNER)
    model = p["Model"](1)
    with pytest.raises(TypeError, match="not computed in grading"):
        operation(model)


def test_comparisons_and_hash_are_identity(make_pair):
    p = make_pair(LEARNER)
    model = p["Model"](1)
    assert (model == model) is True and (model == 1) is False and (model != model) is False
    assert hash(model) == id(model)
    for op in ("__lt__", "__le__", "__gt__", "__ge__"):
        with pytest.raises(TypeError):
            getattr(model, op)(1)
    with pytest.raises(TypeError):
        _ = 1 in model
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(model)


def test_converters_refuse_learner_objects(make_pair):
    p = make_pair(LEARNER)
    model = p["Model"](1)
    for convert in (as_float, as_array, as_dict):
        with pytest.raises(AssertionError):
            convert(model, "the result")
    with pytest.raises(AssertionError):
        assert_equal(model, 1.0, "the result")
    with pytest.raises(AssertionError):
        check(model, "a learner object is not True")


def test_learner_errors_become_grader_exceptions(make_pair):
    p = make_pair(LEARNER)
    with pytest.raises(p["ResourceError"], match="quota exceeded") as info:
        p["over_quota"]()
    assert [k.__name__ for k in type(info.value).__mro__][:2] == ["ResourceError", "Exception"]
    assert issubclass(p["ResourceError"], Exception)
    with pytest.raises(FileNotFoundError) as info:
        p["missing"]("/no/such/file")
    assert "/no/such/file" in str(info.value)
    with pytest.raises(KeyError) as info:
        p["key_error"]()
    assert str(info.value) == "'b'"
    assert any("raised in the learner's notebook" in note for note in info.value.__notes__)
    with pytest.raises(AttributeError):
        p["Model"](1).no_such_attribute  # noqa: B018
    assert not hasattr(p["Model"](1), "no_such_attribute")


def test_missing_names_are_unbound_and_come_back_when_defined(make_pair):
    p = make_pair(LEARNER, names=["add", "not_written_yet"])
    assert "not_written_yet" not in p.grader_ns
    p.learner_ns["not_written_yet"] = lambda: 42
    p.grader_side.refresh()
    assert p["not_written_yet"]() == 42


def test_the_tests_callables_are_called_back_in_the_grader(make_pair):
    p = make_pair(LEARNER)
    now = [100.0]
    assert p["call_clock"](lambda: now[0]) == [100.0, 100.0, 100.0]
    sink = []
    p["append_to"](sink.append, [1, "two", (3,)])
    assert sink == [1, "two", (3,)]


def test_the_tests_objects_are_lent_by_reference_and_see_what_learner_code_does(make_pair):
    p = make_pair(LEARNER)

    class Counting:
        def __init__(self):
            self.calls = 0
            self.active = self.peak = 0
            self.lock = threading.Lock()

        def predict(self, X):
            with self.lock:
                self.calls += 1
                self.active += 1
                self.peak = max(self.peak, self.active)
            time.sleep(0.02)
            with self.lock:
                self.active -= 1
            return np.asarray(X, dtype=float).sum(axis=1)

    model = Counting()
    got = p["in_threads"](model, [[1.0, 2.0]] * 8, workers=4)
    assert got == [3.0] * 8 and model.calls == 8
    assert 2 <= model.peak <= 4  # learner pool threads call back on as many grader threads


def test_library_objects_travel_by_value(make_pair):
    from sklearn.linear_model import LinearRegression

    p = make_pair(LEARNER)
    reg = LinearRegression().fit([[0], [1]], [0, 2])
    back = p["same"](reg)
    assert type(back).__name__ == "LinearRegression" and back is not reg
    assert_close(back.predict([[2]]), [4.0], "a copy predicts like the original")


def test_concurrent_grader_threads_run_concurrently_on_the_learner_side(make_pair):
    p = make_pair(LEARNER)
    names = []
    together = threading.Barrier(4)

    def work():
        together.wait()
        names.append(p["thread_name"]())
        together.wait()  # all four alive at once: four chains

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(names)) == 4 and all(n.startswith("boundary-learner-") for n in names)
    assert p["thread_name"]().startswith("Thread")  # the grader's main thread: the serving thread


def test_a_learner_exit_cannot_swallow_the_tests_error(make_pair):
    p = make_pair('''
class Swallow:
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return True
''')
    with pytest.raises(AssertionError, match="the test failed"):
        with p["Swallow"]():
            raise AssertionError("the test failed")


def test_released_proxies_free_learner_objects(make_pair):
    import gc

    p = make_pair(LEARNER)
    before = len(p.learner_side._exports)
    kept = p["Model"](1)
    for _ in range(50):
        p["Model"](1)
    gc.collect()
    p["add"](1, 2)  # releases travel with the next request
    p["add"](1, 2)
    assert len(p.learner_side._exports) == before + 1
    assert kept.k == 1
