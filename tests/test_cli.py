"""The `course` command on a tiny course: each step, and a clear error for each kind of bad input."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from .conftest import run_course
from .tiny_course import HIDDEN_LINE, MARK_SCHEME_LINE, make_tiny_course


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    course = make_tiny_course(tmp_path_factory.mktemp("tiny"))
    run_course(course, "init")
    run_course(course, "release", "level1")
    return course


def learner_copy(tiny, folder, body: str | None, extra: str | None = None):
    nb = nbformat.read(tiny / "release" / "level1" / "01-tiny.ipynb", 4)
    if body is not None:
        nb.cells[1].source = body
    if extra:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "01-tiny.ipynb")
    return folder


@pytest.mark.parametrize("command", ["init", "release", "submit", "grade", "feedback", "check",
                                     "demo", "lab"])
def test_every_command_has_help(tiny, command):
    out = run_course(tiny, command, "--help")
    assert "Usage:" in out.stdout and len(out.stdout) > 100


def test_grade_submit_feedback_round_trip(tiny, tmp_path):
    good = learner_copy(tiny, tmp_path / "good", "def add(a, b):\n    return a + b",
                        extra="print(In)")
    run_course(tiny, "submit", "level1", "--learner", "good", "--from", str(good))
    run_course(tiny, "submit", "level1", "--learner", "blank",
               "--from", str(learner_copy(tiny, tmp_path / "blank", None)))
    out = run_course(tiny, "grade")
    assert "good" in out.stdout and "3/3" in out.stdout and "0/3" in out.stdout
    run_course(tiny, "feedback")
    good_report = json.loads((tiny / "feedback" / "good" / "report.json").read_text())
    crit = {c["id"]: c for c in good_report["levels"]["level1"]["criteria"]}
    assert crit["t_add"]["passed"] and crit["t_neg"]["passed"]
    assert crit["t_essay"]["manual"] and crit["t_essay"]["needs_manual_grade"]
    blank = json.loads((tiny / "feedback" / "blank" / "report.json").read_text())
    messages = [c["message"] for c in blank["levels"]["level1"]["criteria"] if not c["manual"]]
    assert all(m and "NotImplementedError" in m for m in messages)
    for html in (tiny / "feedback").rglob("*.html"):
        text = html.read_text()
        assert "add(40, 2)" not in text and "negative numbers" not in text, html
        assert MARK_SCHEME_LINE not in text, f"{html} shows the mark scheme"
    assert HIDDEN_LINE.split(",")[0] not in (tiny / "feedback" / "good" / "report.json").read_text()


def test_model_answers_on_request(tiny, tmp_path):
    good = learner_copy(tiny, tmp_path / "m", "def add(a, b):\n    return a + b")
    run_course(tiny, "submit", "level1", "--learner", "model", "--from", str(good))
    run_course(tiny, "grade", "--learner", "model")
    run_course(tiny, "feedback", "--learner", "model", "--model-answers")
    html = next((tiny / "feedback" / "model").glob("level*/*.html")).read_text()
    assert MARK_SCHEME_LINE in html


def test_resubmission_keeps_the_previous_attempt(tiny, tmp_path):
    first = learner_copy(tiny, tmp_path / "a1", "def add(a, b):\n    return 0")
    run_course(tiny, "submit", "level1", "--learner", "again", "--from", str(first))
    second = learner_copy(tiny, tmp_path / "a2", "def add(a, b):\n    return a + b")
    run_course(tiny, "submit", "level1", "--learner", "again", "--from", str(second))
    attempts = list((tiny / "submitted" / "again" / ".attempts").glob("level1-*/01-tiny.ipynb"))
    assert len(attempts) == 1 and "return 0" in attempts[0].read_text()


def test_resubmitting_the_current_submission_keeps_it_and_each_attempt_its_time(tiny, tmp_path):
    first = learner_copy(tiny, tmp_path / "r1", "def add(a, b):\n    return a + b")
    run_course(tiny, "submit", "level1", "--learner", "inplace", "--from", str(first))
    current = tiny / "submitted" / "inplace" / "level1"
    made = (current / "timestamp.txt").read_text()
    notebook = (current / "01-tiny.ipynb").read_bytes()
    run_course(tiny, "submit", "level1", "--learner", "inplace", "--from", str(current))
    assert (current / "01-tiny.ipynb").read_bytes() == notebook
    assert (current / "timestamp.txt").read_text() != made
    [kept] = (tiny / "submitted" / "inplace" / ".attempts").iterdir()
    assert (kept / "timestamp.txt").read_text() == made  # filed under the time it was made
    stamp = made.strip().split(" UTC")[0].replace("-", "").replace(":", "").replace(" ", "T")
    assert kept.name == "level1-" + stamp.replace(".", "")
    assert not [p for p in current.parent.iterdir() if p.name.startswith(".incoming")]


def test_outside_a_course_folder_every_command_says_how_to_name_one(tiny, tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "COURSE_ROOT"}
    for args in (["export"], ["init"], ["grade"]):
        out = subprocess.run([sys.executable, "-m", "course", *args], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
        assert out.returncode != 0 and "--course DIR" in out.stderr and "COURSE_ROOT" in out.stderr
        assert "Traceback" not in out.stderr
    assert not list(tmp_path.iterdir())
    out = subprocess.run([sys.executable, "-m", "course", "--course", str(tiny), "export"],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0 and str(tiny) in out.stdout


def test_check_grades_my_own_copy_in_a_private_gradebook(tiny, tmp_path):
    gradebook_before = (tiny / "gradebook.db").read_bytes()
    mine = learner_copy(tiny, tmp_path / "level1", "def add(a, b):\n    return a - b")
    out = run_course(tiny, "check", str(mine / "01-tiny.ipynb"), "--learner", "me")
    assert "t_add" in out.stdout and "❌" in out.stdout
    assert "add(1, 2) should be 3" in out.stdout
    assert "WARNING" not in out.stdout + out.stderr and not out.stderr.strip(), out.stderr
    private = tiny / ".course" / "check"
    assert (private / "feedback" / "me" / "report.json").exists()
    assert str(private / "feedback" / "me" / "report.html") in out.stdout
    # the instructor's gradebook, submissions and feedback never see a self-check
    assert (tiny / "gradebook.db").read_bytes() == gradebook_before
    for place in ("submitted", "autograded", "feedback"):
        assert not (tiny / place / "me").exists(), place
    out = run_course(tiny, "check", str(mine / "01-tiny.ipynb"), "--learner", "me")
    assert "❌" in out.stdout  # a second check reuses the private course


@pytest.mark.parametrize(("args", "needle"), [
    (["grade", "level9"], "level9"),
    (["submit", "level1", "--learner", "Bad Id", "--from", "."], "invalid learner id"),
    (["submit", "level1", "--learner", "x" * 70, "--from", "."], "invalid learner id"),
    (["submit", "level1", "--learner", "ok", "--from", "/nonexistent"], "not a folder"),
    (["check", "/nonexistent/01-tiny.ipynb"], "no such notebook"),
    (["submit", "level2", "--learner", "ok", "--from", "."], "level2"),
    (["grade", "--learner", "nobody"], "nothing to grade"),
])
def test_bad_input_gets_a_clear_error(tiny, args, needle):
    out = run_course(tiny, *args, check=False)
    assert out.returncode != 0
    assert needle in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_invalid_json_is_refused_and_nothing_is_lost(tiny, tmp_path):
    good = learner_copy(tiny, tmp_path / "keep", "def add(a, b):\n    return a + b")
    run_course(tiny, "submit", "level1", "--learner", "keeper", "--from", str(good))
    before = (tiny / "submitted" / "keeper" / "level1" / "01-tiny.ipynb").read_text()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "01-tiny.ipynb").write_text("{ this is not json")
    out = run_course(tiny, "submit", "level1", "--learner", "keeper", "--from", str(broken), check=False)
    assert out.returncode != 0 and "not valid notebook JSON" in out.stderr
    assert (tiny / "submitted" / "keeper" / "level1" / "01-tiny.ipynb").read_text() == before
    out = run_course(tiny, "check", str(broken / "01-tiny.ipynb"), check=False)
    assert out.returncode != 0 and "not valid notebook JSON" in out.stderr


def test_stderr_never_changes_a_score_and_silenced_errors_still_fail(tiny, tmp_path):
    # t_neg's hidden part warns and writes to stderr: a correct answer keeps its points.
    silencer = ("import IPython\nIPython.get_ipython().showtraceback = lambda *a, **k: None\n"
                "def add(a, b):\n    return a - b")
    run_course(tiny, "submit", "level1", "--learner", "silencer",
               "--from", str(learner_copy(tiny, tmp_path / "s", silencer)))
    run_course(tiny, "submit", "level1", "--learner", "noisy",
               "--from", str(learner_copy(tiny, tmp_path / "n", "def add(a, b):\n    return a + b")))
    run_course(tiny, "grade", "level1", "--learner", "silencer")
    run_course(tiny, "grade", "level1", "--learner", "noisy")
    run_course(tiny, "feedback", "level1", "--learner", "silencer")
    run_course(tiny, "feedback", "level1", "--learner", "noisy")
    silenced = json.loads((tiny / "feedback" / "silencer" / "report.json").read_text())
    assert silenced["levels"]["level1"]["score"] == 0
    noisy = json.loads((tiny / "feedback" / "noisy" / "report.json").read_text())
    assert noisy["levels"]["level1"]["score"] == 3


def test_a_broken_submission_is_reported_and_the_others_graded(tiny, tmp_path):
    run_course(tiny, "submit", "level1", "--learner", "fine",
               "--from", str(learner_copy(tiny, tmp_path / "f", "def add(a, b):\n    return a + b")))
    broken = tiny / "submitted" / "broken" / "level1"
    broken.mkdir(parents=True)
    (broken / "01-tiny.ipynb").write_text("{ not json")
    out = run_course(tiny, "grade", "level1", check=False)
    assert out.returncode != 0
    assert "broken" in out.stderr and "not valid notebook JSON" in out.stderr
    assert "fine" in out.stdout and "3/3" in out.stdout
    shutil.rmtree(tiny / "submitted" / "broken")
