"""The grading engine on a tiny fixture assignment: one learner per cheat or fault, exact outcomes.

The cohort is graded once by the real `course grade --workers 2` (sandboxed); each scenario's
scores, flags and errors are then checked, plus: inputs untouched, regrades replace old results,
a killed run completes on rerun with the same gradebook, and two runs at once do not collide.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course.config import CourseError
from course.gradebook import open_gradebook
from course.grading.record.scores import level_results
from course.grading.sandbox import host as sandbox_mod

from ..conftest import ROOT
from .fixtures.build import HIDDEN_WORDS, INVALID, NOTEBOOK, SCENARIOS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ALL = {"t_add", "t_mean", "t_words"}
LIMITS = """
c.GradingLimits.cell_timeout = 8
c.GradingLimits.notebook_timeout = 30
c.GradingLimits.memory_bytes = 2 * 1024**3
c.GradingLimits.max_processes = 64
"""

# scenario -> (score out of 4, criteria zeroed by a flag, substring of the notebook's error or None,
#              {criterion: substring of its message})
EXPECTED: dict[str, tuple[float, set[str], str | None, dict[str, str]]] = {
    "correct": (4, set(), None, {}),
    "wrong": (0, set(), None, {"t_add": "add(1, 2) should be 3", "t_words": "words('a b')"}),
    "infinite-loop": (0, set(), "cell 3 ran longer than 8 s", {}),
    "gradebook-write": (3, set(), None, {"t_add": "add(1, 2) should be 3"}),
    # Hooks of the learner's kernel do not reach the grader kernel: the wrong answers fail there.
    "silenced-traceback": (3, set(), None, {"t_add": "add(1, 2) should be 3"}),
    "input-transformer": (0, set(), None, {"t_add": "add(1, 2) should be 3"}),
    # ...and one that drops expression statements stops the learner kernel's serving loop too
    "ast-transformer": (0, set(), None, {"t_add": "stopped answering the tests"}),
    "always-equal": (0, set(), None, {"t_add": "add(1, 2) should be 3",
                                      "t_mean": "should be a number",
                                      "t_words": "should be plain data"}),
    "deleted-tests": (2, {"t_mean"}, None, {"t_mean": "deleted"}),
    "edited-tests": (3, {"t_add"}, None, {"t_add": "was edited"}),
    "duplicated-test": (3, {"t_add"}, None, {"t_add": "appears 2 times"}),
    "stripped-metadata": (0, ALL, None, {"t_add": "lost its grading metadata"}),
    "memory-bomb": (2, set(), None, {"t_mean": "Unable to allocate"}),
    "fork-flood": (4, set(), None, {}),
    "network-call": (4, set(), None, {}),
    "read-hidden-tests": (4, set(), None, {}),
    "huge-output": (4, set(), None, {}),
    "os-exit": (1, set(), "the kernel died in cell 5", {"t_words": "not run"}),
    INVALID: (0, set(), "not valid notebook JSON", {"t_add": "not valid notebook JSON"}),
}
assert set(EXPECTED) == {*SCENARIOS, INVALID}

pytestmark = pytest.mark.skipif(not sandbox_mod.sandbox_available(),
                                reason="bubblewrap cannot run here")


def run_course(root: Path, *args: str, check: bool = True, timeout: float = 600):
    env = dict(os.environ, COURSE_ROOT=str(root), NO_COLOR="1", COLUMNS="250")
    proc = subprocess.run([sys.executable, "-m", "course", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"course {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def make_engine_course(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text() + LIMITS)
    shutil.copytree(FIXTURES / "source", dest / "source")
    run_course(dest, "init")
    run_course(dest, "release", "level1")
    return dest


def hand_in(course: Path, learner: str, scenario: str, host_port: int = 0) -> None:
    """Put a scenario's notebook in submitted/<learner>/level1/ as `course submit` would."""
    folder = course / "submitted" / learner / "level1"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    text = (FIXTURES / f"submitted-{scenario}" / NOTEBOOK).read_text()
    (folder / NOTEBOOK).write_text(text.replace("HOST_PORT = 0", f"HOST_PORT = {host_port}"))
    (folder / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC\n")


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def gradebook_state(course: Path) -> dict:
    """Every grade of every learner: (auto score, manual score, needs manual grading)."""
    state = {}
    with open_gradebook(course) as gb:
        for sub in gb.assignment_submissions("level1"):
            for nb_sub in sub.notebooks:
                for g in nb_sub.grades:
                    state[(sub.student.id, nb_sub.name, g.name)] = (g.auto_score, g.manual_score,
                                                                   g.needs_manual_grade)
    return state


def record(course: Path, learner: str) -> dict:
    return json.loads((course / "autograded" / learner / "level1" / "grading.json").read_text())


def outputs_text(course: Path, learner: str) -> str:
    nb = nbformat.read(course / "autograded" / learner / "level1" / NOTEBOOK, as_version=4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") + json.dumps(out.get("data", {})) + out.get("evalue", ""))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def host_server():
    """A port listening on the grading machine's loopback: sandboxed code must not reach it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture(scope="module")
def cohort(tmp_path_factory, host_server):
    course = make_engine_course(tmp_path_factory.mktemp("engine"))
    for scenario in EXPECTED:
        hand_in(course, scenario, scenario, host_server)
    before = {d: tree_digest(course / d) for d in ("source", "release", "submitted")}
    started = time.monotonic()
    proc = run_course(course, "grade", "--workers", "2", check=False)
    seconds = time.monotonic() - started
    return course, proc, before, seconds


@pytest.mark.parametrize("scenario", list(EXPECTED))
def test_exact_outcome(cohort, scenario):
    course, _proc, _before, _seconds = cohort
    score, flagged, error, messages = EXPECTED[scenario]
    got = {c.id: c for c in level_results(course, "level1", scenario)}
    assert set(got) == ALL
    assert sum(c.score for c in got.values()) == score, {k: (c.score, c.message) for k, c in got.items()}
    rec = record(course, scenario)
    assert {f["criterion"] for f in rec["flags"] if f["criterion"]} == flagged, rec["flags"]
    for cid in flagged:
        assert got[cid].score == 0
    errors = " ".join(rec["errors"].values())
    if error is None:
        assert not rec["errors"], rec["errors"]
    else:
        assert error in errors, rec["errors"]
    for cid, needle in messages.items():
        assert got[cid].message and needle in got[cid].message, (cid, got[cid].message)
    if scenario != INVALID:
        assert any("bubblewrap" in item for item in rec["isolation"])


def test_cli_reports_the_broken_learner_after_grading_the_rest(cohort):
    _course, proc, _before, _seconds = cohort
    assert proc.returncode != 0
    assert f"{INVALID} level1" in proc.stderr and "not valid notebook JSON" in proc.stderr
    assert "could not be graded" in proc.stderr and "Traceback" not in proc.stderr
    for scenario in SCENARIOS:
        assert re.search(rf"{re.escape(scenario)}\s.*level1", proc.stdout), scenario
    assert "1 of" in proc.stderr  # only the invalid notebook failed


def test_learner_code_changed_nothing_outside_its_job(cohort):
    course, _proc, before, _seconds = cohort
    for folder, digest in before.items():
        assert tree_digest(course / folder) == digest, f"{folder}/ changed during grading"
    state = gradebook_state(course)
    assert state and all(manual is None for _auto, manual, _needs in state.values())
    assert "written: []" in outputs_text(course, "gradebook-write")


def test_hidden_tests_cannot_be_read(cohort):
    course, *_ = cohort
    text = outputs_text(course, "read-hidden-tests")
    assert "hidden tests found: []" in text, text[-2000:]


def test_network_is_loopback_only_and_services_work(cohort):
    course, *_ = cohort
    text = outputs_text(course, "network-call")
    for part in ("'internet': 'blocked'", "'grader loopback': 'blocked'", "'own loopback': 'works'",
                 "'redis': b'v'"):
        assert part in text, text[-2000:]


def test_fork_flood_is_held_by_the_process_limit(cohort):
    course, *_ = cohort
    match = re.search(r"fork flood stopped after (\d+) processes", outputs_text(course, "fork-flood"))
    assert match and int(match.group(1)) < 64


def test_huge_output_is_cut(cohort):
    course, *_ = cohort
    path = course / "autograded" / "huge-output" / "level1" / NOTEBOOK
    assert path.stat().st_size < 3 * 1024**2
    assert "[output cut" in outputs_text(course, "huge-output")


def test_no_hidden_test_text_in_outputs(cohort):
    course, *_ = cohort
    for scenario in SCENARIOS:
        assert "hidden  secret" not in outputs_text(course, scenario), scenario
    assert HIDDEN_WORDS


def test_regrade_replaces_the_previous_result(cohort, host_server):
    course, *_ = cohort
    hand_in(course, "flip", "correct")
    run_course(course, "grade", "--learner", "flip")
    assert sum(c.score for c in level_results(course, "level1", "flip")) == 4
    hand_in(course, "flip", "edited-tests")
    run_course(course, "grade", "--learner", "flip")
    assert sum(c.score for c in level_results(course, "level1", "flip")) == 3
    assert len(record(course, "flip")["flags"]) == 1
    hand_in(course, "flip", "os-exit")
    run_course(course, "grade", "--learner", "flip")
    got = {c.id: c.score for c in level_results(course, "level1", "flip")}
    assert got == {"t_add": 1, "t_mean": 0, "t_words": 0}
    assert record(course, "flip")["flags"] == []
    assert "kernel died" in record(course, "flip")["errors"][NOTEBOOK[:-6]]


SMALL = ("correct", "wrong", "os-exit", "deleted-tests")


@pytest.fixture(scope="module")
def small_course(tmp_path_factory):
    """Four learners, graded once without interruption: the reference gradebook."""
    course = make_engine_course(tmp_path_factory.mktemp("small"))
    for scenario in SMALL:
        hand_in(course, scenario, scenario)
    pristine = tmp_path_factory.mktemp("pristine") / "course"
    shutil.copytree(course, pristine)
    run_course(course, "grade", "--workers", "2")
    return pristine, _scores(gradebook_state(course))


def _scores(state: dict) -> dict:
    return {key: (auto, manual) for key, (auto, manual, _needs) in state.items()}


def test_killed_run_completes_on_rerun(small_course, tmp_path):
    pristine, reference = small_course
    course = tmp_path / "course"
    shutil.copytree(pristine, course)
    env = dict(os.environ, COURSE_ROOT=str(course))
    proc = subprocess.Popen([sys.executable, "-m", "course", "grade", "--workers", "1"], cwd=course,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list((course / "autograded").glob("*/level1/grading.json")):
        time.sleep(0.2)
    time.sleep(1.0)  # well into the second job
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    run_course(course, "grade", "--workers", "2")
    assert _scores(gradebook_state(course)) == reference
    leftovers = [p.name for p in (course / "autograded").glob("*/.level1.*")]
    assert not leftovers


def test_two_runs_at_once_do_not_collide(small_course, tmp_path):
    pristine, reference = small_course
    course = tmp_path / "course"
    shutil.copytree(pristine, course)
    env = dict(os.environ, COURSE_ROOT=str(course))
    procs = [subprocess.Popen([sys.executable, "-m", "course", "grade", "--workers", "2"], cwd=course,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert _scores(gradebook_state(course)) == reference
    for scenario in SMALL:
        assert (course / "autograded" / scenario / "level1" / NOTEBOOK).is_file()


def test_cohort_grading_refuses_without_the_sandbox(monkeypatch, tmp_path):
    from course.grading import grade

    monkeypatch.setattr(sandbox_mod, "sandbox_available", lambda: False)
    with pytest.raises(CourseError, match="--allow-reduced-isolation"):
        grade(tmp_path, [("ada", "level1")])
    assert sandbox_mod.resolve_mode("best") == "limits"
