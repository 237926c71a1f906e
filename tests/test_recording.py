"""Recording a graded job: one gradebook transaction with nbgrader's own scores, and the
fingerprint that lets `course grade` skip what has not changed since it was graded."""

from __future__ import annotations

import json
import shutil
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from course import grading as engine
from course.gradebook import open_gradebook, shared_gradebook
from course.grading.prepare.fingerprint import fingerprint, split_unchanged
from course.grading.record import write as record_mod
from course.grading.steps import shared as shared_steps
from course.submit import submit

from .conftest import run_course
from .tiny_course import make_tiny_course

ANSWERS = {
    "good": "def add(a, b):\n    return a + b",
    "half": "def add(a, b):\n    return a + b if b >= 0 else 0",
    "wrong": "def add(a, b):\n    return a - b",
}
LATE = "late"  # the good answer, three days after the due date (10 % per day)


def _hand_in(course: Path, learner: str, answer: str, work: Path, *, edit_test: bool = False,
             now: datetime | None = None) -> None:
    nb = nbformat.read(course / "release" / "level1" / "01-tiny.ipynb", 4)
    nb.cells[1].source = answer
    if edit_test:
        nb.cells[2].source = "assert True"
    folder = work / learner
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "01-tiny.ipynb")
    submit(course, "level1", learner, folder, now=now)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """A tiny course with a due date and a late penalty, four learners submitted (nothing graded)
    and, for each, its prepared job executed once: {learner: output}."""
    tmp = tmp_path_factory.mktemp("recording")
    course = make_tiny_course(tmp / "course")
    config = course / "nbgrader_config.py"
    due = datetime.now(UTC) - timedelta(days=5)
    config.write_text(config.read_text() + "\nc.LatePenalty.penalty_method = 'per_day'\n"
                      f"c.CourseSchedule.due_dates = {{'level1': '{due.isoformat()}'}}\n")
    run_course(course, "init")
    run_course(course, "release", "level1")
    work = tmp / "work"
    for learner, answer in ANSWERS.items():
        _hand_in(course, learner, answer, work, now=due - timedelta(hours=1))
    _hand_in(course, "edited", ANSWERS["good"], work, edit_test=True, now=due - timedelta(hours=1))
    _hand_in(course, LATE, ANSWERS["good"], work, now=due + timedelta(days=3))
    from course.check import ensure_registered

    ensure_registered(course, "level1")
    outputs = {learner: engine.execute_job(engine.prepare_job(course, "level1", learner),
                                           sandbox="best")
               for learner in [*ANSWERS, "edited", LATE]}
    return course, outputs


def _rows(course: Path) -> dict:
    """Everything recording writes to the gradebook, per learner."""
    rows = {}
    with open_gradebook(course) as gb:
        for sub in gb.assignment_submissions("level1"):
            for nb in sub.notebooks:
                rows[(sub.student.id, nb.name)] = {
                    "late": nb.late_submission_penalty,
                    "grades": {g.name: (g.auto_score, g.manual_score, g.extra_credit,
                                        g.needs_manual_grade) for g in nb.grades},
                    "comments": {c.name: c.auto_comment for c in nb.comments},
                }
    return rows


def _record_all(course: Path, outputs: dict[str, dict]) -> dict:
    results = {}
    for learner, output in outputs.items():
        job = engine.prepare_job(course, "level1", learner)
        results[learner] = engine.record_job(course, job, output)
    return {k: (r.ok, r.score, r.flags, [(c.id, c.score, c.message) for c in r.criteria])
            for k, r in results.items()}


def test_record_in_one_transaction_gives_nbgraders_rows(cohort, tmp_path, monkeypatch):
    course, outputs = cohort
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    shutil.copytree(course, ours)
    shutil.copytree(course, theirs)
    commits: list[int] = []
    listener = lambda _conn: commits.append(1)  # noqa: E731
    event.listen(Engine, "commit", listener)
    try:
        with shared_gradebook(ours):  # as a grading run: the gradebook opened once
            for learner, output in outputs.items():
                job = engine.prepare_job(ours, "level1", learner)
                commits.clear()
                engine.record_job(ours, job, output)
                assert len(commits) == 1, f"{learner}: {len(commits)} commits"
    finally:
        event.remove(Engine, "commit", listener)
    got = _record_all(ours, outputs)  # a regrade, in one transaction again
    # nbgrader's own steps, each with its own Gradebook and a commit per change (as before)
    monkeypatch.setattr(record_mod, "one_transaction", nullcontext)
    monkeypatch.setattr(shared_steps, "_SHARED", {})
    _record_all(theirs, outputs)
    expected = _record_all(theirs, outputs)
    assert got == expected
    assert _rows(ours) == _rows(theirs)
    rows = _rows(ours)
    assert rows[(LATE, "01-tiny")]["late"] == pytest.approx(0.3 * 3)  # 3 days at 10 % of 3 points
    assert got["good"][1] == 3 and got["half"][1] == 1 and got["wrong"][1] == 0
    assert got["edited"][2], "the edited test cell is flagged"


def test_fingerprint_follows_what_grading_reads(cohort, tmp_path):
    course, _ = cohort
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    url = "sqlite:///x.db"
    first = fingerprint(copy, "level1", "good", url)
    assert fingerprint(copy, "level1", "good", url) == first
    assert fingerprint(copy, "level1", "half", url) != first
    assert fingerprint(copy, "level1", "good", "postgresql+psycopg://h/db") != first
    changes = [copy / "submitted" / "good" / "level1" / "01-tiny.ipynb",
               copy / "release" / "level1" / "01-tiny.ipynb",
               copy / "source" / "level1" / "01-tiny.ipynb",
               copy / "nbgrader_config.py"]
    for path in changes:
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert fingerprint(copy, "level1", "good", url) != first, path
        path.write_bytes(original)
    checkpoint = copy / "submitted" / "good" / "level1" / ".ipynb_checkpoints"
    checkpoint.mkdir()
    (checkpoint / "01-tiny-checkpoint.ipynb").write_text("{}")
    assert fingerprint(copy, "level1", "good", url) == first


def test_only_pairs_graded_with_todays_fingerprint_are_unchanged(cohort, tmp_path):
    course, outputs = cohort
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    pairs = [(learner, "level1") for learner in outputs]
    assert split_unchanged(copy, pairs) == (pairs, [])  # never graded
    _record_all(copy, outputs)
    todo, unchanged = split_unchanged(copy, pairs)
    assert todo == [] and unchanged == pairs
    record = copy / "autograded" / "good" / "level1" / "grading.json"
    data = json.loads(record.read_text())
    data["fingerprint"] = "0" * 64
    record.write_text(json.dumps(data))
    assert split_unchanged(copy, pairs) == ([("good", "level1")], pairs[1:])
    failed = {**outputs["half"], "notebooks": {}, "errors": {"01-tiny": "the kernel died"}}
    result = engine.record_job(copy, engine.prepare_job(copy, "level1", "half"), failed)
    assert not result.ok
    assert "fingerprint" not in json.loads(
        (copy / "autograded" / "half" / "level1" / "grading.json").read_text())
    assert ("half", "level1") in split_unchanged(copy, pairs)[0]  # a failed job is graded again


def test_grade_skips_unchanged_pairs_and_force_regrades(tmp_path):
    course = make_tiny_course(tmp_path / "course")
    run_course(course, "init")
    run_course(course, "release", "level1")
    _hand_in(course, "ada", ANSWERS["good"], tmp_path / "work")
    _hand_in(course, "bo", ANSWERS["wrong"], tmp_path / "work")
    out = run_course(course, "grade").stdout
    assert "unchanged" not in out and "3/3" in out and "0/3" in out
    stamp = lambda who: (course / "autograded" / who / "level1" / "grading.json").stat().st_mtime_ns  # noqa: E731
    before = {who: stamp(who) for who in ("ada", "bo")}
    out = run_course(course, "grade").stdout
    assert "2 submission(s) unchanged since they were graded: skipped" in out
    assert {who: stamp(who) for who in ("ada", "bo")} == before
    _hand_in(course, "bo", ANSWERS["half"], tmp_path / "work2")  # bo hands in again
    out = run_course(course, "grade").stdout
    assert "1 submission(s) unchanged" in out and "1/3" in out
    assert stamp("ada") == before["ada"] and stamp("bo") != before["bo"]
    out = run_course(course, "grade", "--force").stdout
    assert "unchanged" not in out and "3/3" in out and "1/3" in out
    assert stamp("ada") != before["ada"]
