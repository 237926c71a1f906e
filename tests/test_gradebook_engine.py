"""The gradebook's engine: built once per database with the course's options, nbgrader untouched."""

from __future__ import annotations

import nbgrader.api
import sqlalchemy
from sqlalchemy.pool import NullPool

from course.gradebook import dispose_engines, gradebook_at, gradebook_engine


def test_one_engine_per_database_and_nbgrader_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with gradebook_at(url, "course") as gb:  # creates the database (nbgrader's schema)
        gb.add_assignment("level1")
        gb.add_student("learner")
        first = gb.engine
    with gradebook_at(url, "course") as gb:
        assert gb.engine is first is gradebook_engine(url)
        assert [a.name for a in gb.assignments] == ["level1"]
        gb.update_or_create_submission("level1", "learner")
    with gradebook_at(url, "course") as gb:  # each session sees the others' commits
        assert gb.find_submission("level1", "learner").student.id == "learner"
    assert isinstance(first.pool, NullPool)  # no SQLite file kept open between sessions
    assert nbgrader.api.create_engine is sqlalchemy.create_engine  # configured, not patched
    dispose_engines()


def test_a_gradebook_created_anew_at_the_same_path_gets_its_schema(tmp_path):
    db = tmp_path / "gradebook.db"
    url = f"sqlite:///{db}"
    with gradebook_at(url, "course") as gb:
        gb.add_assignment("level1")
    db.unlink()  # a new `course init`, a test's fresh folder at the same path
    with gradebook_at(url, "course") as gb:
        assert gb.assignments == []
        gb.add_assignment("level2")
    with gradebook_at(url, "course") as gb:
        assert [a.name for a in gb.assignments] == ["level2"]
    dispose_engines()
