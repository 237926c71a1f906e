"""Remote grading (course.grading.remote): a worker grades a job in a scratch course made from the
level's bundle and the coordinator writes its rows; the gradebook, the autograded files and the
results are those local grading gives, a person's manual scores are kept, and what a worker
answers is checked before anything is written."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import nbformat
import pytest

from course import grading as engine
from course.gradebook import grade_by_hand, shared_gradebook
from course.grading.prepare.fingerprint import split_unchanged
from course.grading.remote.bundle import make_bundle, unpack
from course.grading.remote.job import remote_job, store_result
from course.grading.remote.run import grade_away
from course.services import redis_url

from .conftest import run_course
from .test_recording import ANSWERS, _hand_in, _rows
from .tiny_course import make_tiny_course

LEVEL = "level1"
BIG, BROKEN, LATE = "big", "broken", "late"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> tuple[Path, list[str]]:
    """A tiny course with a due date, a late penalty and a 20 kB notebook limit; learners with a
    good, half, wrong, edited-test, late, oversized and invalid submission (nothing graded)."""
    tmp = tmp_path_factory.mktemp("remote")
    course = make_tiny_course(tmp / "course")
    config = course / "nbgrader_config.py"
    due = datetime.now(UTC) - timedelta(days=5)
    config.write_text(config.read_text() + "\nc.LatePenalty.penalty_method = 'per_day'\n"
                      f"c.CourseSchedule.due_dates = {{'level1': '{due.isoformat()}'}}\n"
                      "c.GradingLimits.notebook_bytes = 20000\n")
    run_course(course, "init")
    run_course(course, "release", LEVEL)
    work = tmp / "work"
    before = due - timedelta(hours=1)
    for learner, answer in ANSWERS.items():
        _hand_in(course, learner, answer, work, now=before)
    _hand_in(course, "edited", ANSWERS["good"], work, edit_test=True, now=before)
    _hand_in(course, LATE, ANSWERS["good"], work, now=due + timedelta(days=3))
    _hand_in(course, BIG, ANSWERS["good"], work, now=before)
    big = course / "submitted" / BIG / LEVEL / "01-tiny.ipynb"
    nb = nbformat.read(big, 4)
    nb.cells[0].source += "\n" + "padding " * 4000
    nbformat.write(nb, big)
    broken = course / "submitted" / BROKEN / LEVEL
    broken.mkdir(parents=True)
    (broken / "01-tiny.ipynb").write_text("{ not json")
    from course.check import ensure_registered

    ensure_registered(course, LEVEL)
    return course, [*ANSWERS, "edited", LATE, BIG, BROKEN]


def _copy(course: Path, dest: Path) -> Path:
    shutil.copytree(course, dest)
    return dest


def _grade_remotely(course: Path, learners: list[str], tmp: Path, *,
                    between=None) -> dict:  # noqa: ANN001 -- called after each job is made
    """Each learner as an RQ worker and the coordinator would grade it, in this process."""
    with shared_gradebook(course):
        digest, data = make_bundle(course, LEVEL)
    bundle = unpack(data, tmp / "bundles" / digest)
    results = {}
    for learner in learners:
        with shared_gradebook(course):
            job = remote_job(course, LEVEL, learner, digest)
        job = json.loads(json.dumps(job))  # it travels as JSON
        answer = json.loads(json.dumps(grade_away(job, bundle, "best")))
        if between:
            between(learner)
        results[learner] = store_result(course, job, answer)
    return results


def _summary(result) -> tuple:  # noqa: ANN001 -- a JobResult
    return (result.ok, result.reason, result.score, result.max_score, result.flags, result.errors,
            [(c.id, c.score, c.manual, c.needs_manual_grade, c.message) for c in result.criteria])


def _files(course: Path, learner: str) -> dict[str, object]:
    folder = course / "autograded" / learner / LEVEL
    files: dict[str, object] = {p.name: p.read_text() for p in folder.glob("*.ipynb")}
    record = json.loads((folder / "grading.json").read_text())
    files["grading.json"] = {k: record.get(k) for k in ("flags", "errors", "submitted_at",
                                                         "missing")}
    files["fingerprinted"] = bool(record.get("fingerprint"))  # the course's path is part of it
    return files


def test_remote_grading_gives_what_local_grading_gives(cohort, tmp_path):
    course, learners = cohort
    local, remote = _copy(course, tmp_path / "local"), _copy(course, tmp_path / "remote")
    expected = {r.learner: r for r in engine.grade(local, [(x, LEVEL) for x in learners],
                                                   workers=1)}
    got = _grade_remotely(remote, learners, tmp_path)
    assert {k: _summary(r) for k, r in got.items()} == {k: _summary(r) for k, r in expected.items()}
    assert _rows(remote) == _rows(local)
    for learner in learners:
        assert _files(remote, learner) == _files(local, learner), learner
    assert "over the course's limit" in got[BIG].errors["01-tiny"]
    assert "not valid notebook JSON" in got[BROKEN].errors["01-tiny"]
    assert _rows(remote)[(LATE, "01-tiny")]["late"] > 0
    # the fingerprint is the coordinator's: a rerun skips what did not change
    _todo, unchanged = split_unchanged(remote, [(x, LEVEL) for x in learners])
    assert sorted(unchanged) == sorted((x, LEVEL) for x in learners if x not in (BIG, BROKEN))


def test_a_regrade_keeps_what_a_person_graded_and_clears_overridden_autograding(cohort, tmp_path):
    course, _ = cohort
    learners = ["good", "half"]
    local, remote = _copy(course, tmp_path / "local"), _copy(course, tmp_path / "remote")
    engine.grade(local, [(x, LEVEL) for x in learners], workers=1)
    _grade_remotely(remote, learners, tmp_path / "first")
    for place in (local, remote):
        for learner in learners:
            grade_by_hand(place, learner, LEVEL, "t_essay", 1.5, "clear and short")
            grade_by_hand(place, learner, LEVEL, "t_add", 0.5, "overridden")
    engine.grade(local, [(x, LEVEL) for x in learners], workers=1)
    _grade_remotely(remote, learners, tmp_path / "second")
    assert _rows(remote) == _rows(local)
    grades = _rows(remote)[("good", "01-tiny")]["grades"]
    assert grades["t_essay"][1] == 1.5  # a person's score on a written answer stays
    assert grades["t_add"][1] is None  # an autograded cell is graded again


def test_a_manual_score_entered_while_the_job_runs_stays(cohort, tmp_path):
    course, _ = cohort
    remote = _copy(course, tmp_path / "remote")
    _grade_remotely(remote, ["good"], tmp_path / "first")

    def by_hand(learner: str) -> None:  # after the job was made, before its answer is written
        grade_by_hand(remote, learner, LEVEL, "t_essay", 2.0, "while it ran")

    _grade_remotely(remote, ["good"], tmp_path / "second", between=by_hand)
    assert _rows(remote)[("good", "01-tiny")]["grades"]["t_essay"][1] == 2.0


def test_the_same_level_gives_the_same_bundle(cohort, tmp_path):
    course, _ = cohort
    with shared_gradebook(course):
        first, data = make_bundle(course, LEVEL)
        second, _ = make_bundle(course, LEVEL)
    assert first == second
    folder = unpack(data, tmp_path / first)
    assert unpack(data, tmp_path / first) == folder  # a second unpacking finds it whole
    assert {p.name for p in folder.iterdir()} == {"nbgrader_config.py", "source", "release",
                                                  "gradebook.db"}
    assert not list(tmp_path.glob(".*"))  # no half-unpacked folder left


def test_an_answer_with_unexpected_files_is_refused_and_nothing_is_written(cohort, tmp_path):
    course, _ = cohort
    remote = _copy(course, tmp_path / "remote")
    with shared_gradebook(remote):
        digest, data = make_bundle(remote, LEVEL)
        job = remote_job(remote, LEVEL, "good", digest)
    answer = grade_away(job, unpack(data, tmp_path / digest), "best")
    answer["files"]["../../escape.ipynb"] = "{}"
    with pytest.raises(ValueError, match="unexpected files"):
        store_result(remote, job, answer)
    assert not (remote / "autograded" / "good" / LEVEL).exists()
    assert not (remote / "autograded" / "escape.ipynb").exists()
    assert ("good", "01-tiny") not in _rows(remote)


def test_a_pool_of_processes_stores_the_same_rows(cohort, tmp_path):
    from course.grading.backends.rq.blobs import receive_job, send_answer
    from course.grading.backends.rq.pool import (
        CoordinatorPool,
        pool_size,
        remote_prepare,
        remote_store,
    )
    from course.grading.backends.rq.queue import connect

    course, learners = cohort
    ours, theirs = _copy(course, tmp_path / "ours"), _copy(course, tmp_path / "theirs")
    _grade_remotely(theirs, learners, tmp_path / "theirs-bundles")
    with shared_gradebook(ours):
        digest, data = make_bundle(ours, LEVEL)
    bundle = unpack(data, tmp_path / digest)
    assert pool_size(3) == 0 and pool_size(16, 2) == 2
    url = redis_url()
    pool = CoordinatorPool(ours, 2, prepare=partial(remote_prepare, {LEVEL: digest}, url),
                           record=partial(remote_store, url))
    got: dict = {}
    try:
        for _learner, _level, job in pool.prepared([(x, LEVEL) for x in learners], ahead=3):
            assert isinstance(job, dict), job
            worker_side = receive_job(connect(url), job)  # as a worker reads it
            answer = send_answer(connect(url), job, grade_away(worker_side, bundle, "best"))
            pool.record(job, answer,
                        lambda r, exc: got.setdefault(r.learner, exc))
    finally:
        pool.close()
    assert got == dict.fromkeys(learners)
    assert _rows(ours) == _rows(theirs)
