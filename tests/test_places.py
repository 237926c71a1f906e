"""Three places, three owners: the learner's workspace, the instructor's course folder, and the
scratch courses of `course demo` and `course check`. No command writes into another's place."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from course import scratch, workspace
from course.config import CourseError, load_config
from course.demo import run_demo

from .conftest import run_course
from .tiny_course import make_tiny_course


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    course = make_tiny_course(tmp_path_factory.mktemp("places") / "course")
    run_course(course, "release", "level1")
    return course


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _edit(path: Path, source: str) -> None:
    nb = nbformat.read(path, 4)
    nb.cells[1].source = source
    nbformat.write(nb, path)


def _release_changes(course: Path, text: str) -> None:
    """What a new `course release` does to a notebook: a different release/ file."""
    path = course / "release" / "level1" / "01-tiny.ipynb"
    nb = nbformat.read(path, 4)
    nb.cells[0].source = text
    nbformat.write(nb, path)


# --- the learner's workspace ---------------------------------------------------------------------

def test_workspace_is_made_from_release_and_never_overwritten(tmp_path):
    course = make_tiny_course(tmp_path / "course")
    run_course(course, "release", "level1")
    original = (course / "release" / "level1" / "01-tiny.ipynb").read_bytes()

    report = workspace.sync(course)
    mine = course / "workspace" / "level1" / "01-tiny.ipynb"
    assert report.added == ["level1/01-tiny.ipynb"] and mine.read_bytes() == original

    # an untouched copy follows the release: nothing of the learner's is lost
    _release_changes(course, "# A tiny notebook, second edition")
    report = workspace.sync(course)
    assert report.updated == ["level1/01-tiny.ipynb"] and "second edition" in mine.read_text()

    # a copy the learner changed stays theirs; the new release is offered beside it
    _edit(mine, "def add(a, b):\n    return a + b  # my answer")
    before = mine.read_bytes()
    _release_changes(course, "# A tiny notebook, third edition")
    report = workspace.sync(course)
    offer = course / "workspace" / "level1" / "new-release" / "01-tiny.ipynb"
    assert mine.read_bytes() == before
    assert report.offered == ["level1/new-release/01-tiny.ipynb"] and "third edition" in offer.read_text()
    assert workspace.sync(course).lines() == []  # offered once, not again

    # an offer the learner edited is not replaced by a later one
    _edit(offer, "def add(a, b):\n    return b + a  # trying the new version")
    edited_offer = offer.read_bytes()
    _release_changes(course, "# A tiny notebook, fourth edition")
    report = workspace.sync(course)
    assert report.blocked == ["level1/01-tiny.ipynb"] and offer.read_bytes() == edited_offer
    assert mine.read_bytes() == before

    # `course release` writes release/ only
    snapshot = {p: _digest(p) for p in (course / "workspace").rglob("*") if p.is_file()}
    (course / "release" / "level1" / "01-tiny.ipynb").write_bytes(original)
    run_course(course, "release", "level1")
    assert snapshot == {p: _digest(p) for p in (course / "workspace").rglob("*") if p.is_file()}


def test_work_done_in_release_by_an_older_habit_moves_into_the_workspace(tmp_path):
    course = make_tiny_course(tmp_path / "course")
    run_course(course, "release", "level1")
    old_habit = course / "release" / "level1" / "01-tiny.ipynb"
    _edit(old_habit, "def add(a, b):\n    return a + b  # written in release/")
    report = workspace.sync(course)
    assert report.kept_from_release == ["level1/01-tiny.ipynb"]
    mine = course / "workspace" / "level1" / "01-tiny.ipynb"
    assert "written in release/" in mine.read_text()
    # its base is not a clean release: a later release never counts it as untouched
    _release_changes(course, "# new")
    assert "written in release/" in mine.read_text()
    state = json.loads((course / "workspace" / workspace.STATE_FILE).read_text())
    assert state["release"]["level1/01-tiny.ipynb"] == workspace.FROM_WORK


# --- scratch courses -------------------------------------------------------------------------------

def test_a_scratch_course_has_its_own_gradebook_whatever_COURSE_DB_URL_says(tiny, tmp_path,
                                                                             monkeypatch):
    folder = tiny / "demo"
    changed = scratch.prepare(tiny, folder, "demo", fresh=True)
    assert changed == {"level1"} and (folder / "source" / "level1" / "01-tiny.ipynb").is_file()
    monkeypatch.setenv("COURSE_DB_URL", "postgresql://grader:pw@db.example.org/course")
    config = load_config(folder)
    assert config.CourseDirectory.db_url == f"sqlite:///{folder / 'gradebook.db'}"
    assert config.CourseDirectory.root == str(folder)
    assert config.Exchange.root == str(folder / "exchange")
    # no deadline reaches a scratch course
    assert config.CourseSchedule.due_dates == {} and config.LatePenalty.penalty_method == "none"
    # the instructor's own settings still apply (limits, preprocessors...)
    assert config.GradingLimits.cell_timeout == load_config(tiny).GradingLimits.cell_timeout
    assert "postgresql" in load_config(tiny).CourseDirectory.db_url
    # only a folder it made is ever emptied
    with pytest.raises(CourseError, match="made by `course demo`"):
        scratch.prepare(tiny, folder, "check")
    with pytest.raises(CourseError, match="part of the course itself"):
        scratch.prepare(tiny, tiny / "submitted", "demo")
    with pytest.raises(CourseError, match="not the demo's scratch course"):
        run_demo(tiny)


def test_the_demo_never_touches_the_instructors_course(tiny):
    """`course demo` up to its first grading round, on a copy: only demo/ changes."""
    (tiny / "roster.csv").write_text("learner_id,name,group\nreal,A Real Learner,mine\n")
    before = {p.relative_to(tiny).as_posix(): _digest(p) for p in tiny.rglob("*")
              if p.is_file() and "demo" not in p.relative_to(tiny).parts[:1]}
    proc = run_course(tiny, "demo", check=False, timeout=1800)
    after = {p.relative_to(tiny).as_posix(): _digest(p) for p in tiny.rglob("*")
             if p.is_file() and "demo" not in p.relative_to(tiny).parts[:1]}
    assert after == before, "the demo wrote outside demo/"
    assert "Traceback" not in proc.stderr
    assert (tiny / "demo" / "roster.csv").read_text().startswith("learner_id,name,group\nada,")


# --- `course lab` never outlives itself ------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGKILL, -9),
                                              (signal.SIGINT, 130)], ids=["sigterm", "sigkill", "ctrl-c"])
def test_a_stopped_or_killed_course_lab_leaves_no_jupyterlab_running(tiny, signum, code):
    port = _free_port()
    env = dict(os.environ, COURSE_ROOT=str(tiny), JUPYTER_TOKEN="t", NO_COLOR="1")
    log = tiny.parent / f"lab-{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "course", "lab", "--no-browser", "--port",
                                 str(port)], cwd=tiny, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=t", timeout=2):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        [server] = _children(proc.pid)
        assert (tiny / "workspace" / "level1" / "01-tiny.ipynb").is_file()
        proc.send_signal(signum)
        assert proc.wait(timeout=60) == code, log.read_text()
        deadline = time.monotonic() + 60
        while _alive(server) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _alive(server), "JupyterLab outlived `course lab`"
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=t", timeout=2)
        if signum != signal.SIGKILL:
            text = log.read_text()
            assert "Traceback" not in text and "Error: " in text, text
    finally:
        if proc.poll() is None:
            proc.kill()
