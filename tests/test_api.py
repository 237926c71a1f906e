"""course.api called directly, as a program would: plain results, one CourseError for bad input, and
settings (the gradebook's URL above all) as parameters, never through the environment.

Cheap on purpose: nothing here runs a grading job (tests/test_cli.py grades through the command).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import nbformat
import pytest

from course import api
from course.config import CourseError, gradebook_url, load_config

from .tiny_course import HIDDEN_LINE, make_tiny_course


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return make_tiny_course(tmp_path / "course")


def _students(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("select id from student")}


def test_init_release_and_submit_return_plain_results(tiny, tmp_path):
    (tiny / "roster.csv").write_text("learner_id,name,group\nada,Ada Lovelace,a\n")
    assert api.init(root=tiny) == api.Initialized(levels=1, learners=1)
    assert api.release(root=tiny, level="level1", exchange=False) == ["level1"]
    released = tiny / "release" / "level1" / "01-tiny.ipynb"
    assert HIDDEN_LINE not in released.read_text()
    assert not (tiny / "exchange" / "ml-engineer-skills" / "outbound").exists()

    work = tmp_path / "work"
    work.mkdir()
    nbformat.write(nbformat.read(released, as_version=4), work / "01-tiny.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), work / "notes.ipynb")
    done = api.submit(root=tiny, level="level1", learner="ada", from_dir=work)
    assert done.dest == tiny / "submitted" / "ada" / "level1"
    assert (done.ignored, done.missing) == (["notes.ipynb"], [])
    assert (done.dest / "01-tiny.ipynb").is_file()


def test_the_gradebook_url_is_a_parameter_not_an_environment_variable(tiny, tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    (tiny / "roster.csv").write_text("learner_id,name,group\nben,Ben,b\n")
    elsewhere = tmp_path / "elsewhere.db"
    before = dict(os.environ)
    api.init(root=tiny, db_url=f"sqlite:///{elsewhere}")
    assert dict(os.environ) == before, "the API changed the environment"
    assert _students(elsewhere) == {"ben"}
    assert not (tiny / "gradebook.db").exists(), "the course's own gradebook was used"
    # the given URL lasts for the call only: afterwards the course's configuration decides again
    assert load_config(tiny).CourseDirectory.db_url == f"sqlite:///{tiny / 'gradebook.db'}"


def test_a_given_gradebook_url_wins_over_COURSE_DB_URL_and_stays_with_its_course(tiny, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setenv("COURSE_DB_URL", "postgresql://grader@db.example.org/course")
    other = make_tiny_course(tmp_path / "other")
    with gradebook_url(tiny, "sqlite:////srv/given.db"):
        assert load_config(tiny).CourseDirectory.db_url == "sqlite:////srv/given.db"
        assert "db.example.org" in load_config(other).CourseDirectory.db_url
    assert "db.example.org" in load_config(tiny).CourseDirectory.db_url


@pytest.mark.parametrize(("call", "needle"), [
    (lambda root: api.grade(root=root, learner="nobody"), "nothing to grade"),
    (lambda root: api.grade(root=root, db_url="mysql://u@h/db"), "must be PostgreSQL"),
    (lambda root: api.grade(root=root, backend="rq"), "needs queue_url"),
    (lambda root: api.grade(root=root, backend="carrier-pigeon"), "unknown grading back-end"),
    (lambda root: api.grade(root=root, workers=0), "workers=0"),
    (lambda root: api.grade(root=root, level="level9"), "unknown level 'level9'"),
    (lambda root: api.submit(root=root, level="level1", learner="Bad Id", from_dir=root),
     "invalid learner id"),
    (lambda root: api.submit(root=root, level="level1", learner="ada", from_dir=root / "nowhere"),
     "not a folder"),
    (lambda root: api.export(root=root.parent), "has no nbgrader_config.py"),
    (lambda root: api.worker(queue_url="http://h/0"), "queue_url http://h/0 is not a Redis URL"),
    (lambda root: api.grade(root=root, backend="rq", queue_url="redis://localhost:6390/0",
                            notebook_redis_url="redis://127.0.0.1:6390"), "the notebooks' Redis"),
], ids=["nothing to grade", "db_url", "rq without queue", "back-end", "workers", "level",
        "learner id", "missing folder", "not a course", "queue URL", "notebooks' Redis"])
def test_bad_input_raises_one_course_error_and_changes_nothing(tiny, call, needle):
    before = sorted(p.relative_to(tiny).as_posix() for p in tiny.rglob("*"))
    with pytest.raises(CourseError) as caught:
        call(tiny)
    assert needle in str(caught.value)
    assert sorted(p.relative_to(tiny).as_posix() for p in tiny.rglob("*")) == before


def test_the_queue_name_is_the_one_workers_listen_on():
    from course.grading.backends.rq.queue import QUEUE_NAME

    assert api.QUEUE_NAME == QUEUE_NAME


def test_the_cli_and_the_api_write_no_environment_variable():
    here = Path(api.__file__).parent
    for module in ("api.py", "cli.py"):
        assert "os.environ[" not in (here / module).read_text(), module
