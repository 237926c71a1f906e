"""Every read and write of the course gradebook (the database nbgrader and formgrader share).

The rest of the package asks this module in plain data (dataclasses, dicts of str and float) and
never holds an nbgrader ORM object: which grades are manual, what a submission scored, what an
instructor wrote in formgrader. nbgrader's own converters (`nbgrader_app.nbgrader_api`) still write
through nbgrader, as they must; grading's recording step writes scores through nbgrader's
SaveAutoGrades in `course.grading.record.write`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from nbgrader.api import Grade, MissingEntry, TaskCell

from .nbgrader_app import gradebook as open_gradebook

if TYPE_CHECKING:
    from .coursedir import Flag

__all__ = ["GradeRow", "Submission", "add_students", "export_rows", "grade_by_hand", "is_manual",
           "level_cells", "level_names", "open_gradebook", "reset_grades", "set_due_dates", "submission",
           "zero_grades"]


def is_manual(grade: Grade) -> bool:
    """Whether a person grades it in formgrader: a written answer (markdown) or a task cell.

    The one place this rule is written: recording resets these for an instructor, and reports
    count them only once an instructor has graded them.
    """
    return isinstance(grade.cell, TaskCell) or grade.cell.cell_type == "markdown"


@dataclass(frozen=True)
class GradeRow:
    """One graded cell of a submitted notebook."""

    name: str  # the grade_id
    score: float  # nbgrader's score: the manual score when there is one, else the autograded one
    max_score: float
    manual: bool  # graded by a person (is_manual)
    needs_manual_grade: bool
    manual_score: float | None


@dataclass(frozen=True)
class Submission:
    """A learner's submission of one level, as the gradebook holds it."""

    timestamp: datetime | None  # naive UTC, as nbgrader keeps it
    duedate: datetime | None
    late_penalty: float
    notebooks: dict[str, tuple[GradeRow, ...]]  # notebook name -> its grades, in gradebook order
    comments: dict[str, str] = field(default_factory=dict)  # grade_id -> formgrader's comment


def submission(root: Path, level: str, learner: str) -> Submission | None:
    """The learner's submission of `level`, or None when the gradebook has none."""
    with open_gradebook(root) as gb:
        try:
            sub = gb.find_submission(level, learner)
        except MissingEntry:
            return None
        notebooks = {}
        comments = {}
        for nb in sub.notebooks:
            notebooks[nb.name] = tuple(
                GradeRow(name=g.name, score=float(g.score or 0.0), max_score=float(g.max_score or 0.0),
                         manual=is_manual(g), needs_manual_grade=bool(g.needs_manual_grade),
                         manual_score=None if g.manual_score is None else float(g.manual_score))
                for g in nb.grades)
            comments.update({c.name: c.manual_comment for c in nb.comments if c.manual_comment})
        return Submission(timestamp=sub.timestamp, duedate=sub.duedate,
                          late_penalty=float(sub.late_submission_penalty or 0.0),
                          notebooks=notebooks, comments=comments)


def level_cells(root: Path, level: str) -> dict[str, dict]:
    """Per notebook of the level, the instructor's cells as the gradebook recorded them:
    `graded` and `tasks` (grade_id -> max score), `solutions` (grade_ids) and `sources`
    (grade_id -> cell_type, locked, checksum)."""
    info: dict[str, dict] = {}
    with open_gradebook(root) as gb:
        for nb in gb.find_assignment(level).notebooks:
            info[nb.name] = {
                "graded": {c.name: float(c.max_score) for c in nb.grade_cells},
                "tasks": {c.name: float(c.max_score) for c in nb.task_cells},
                "solutions": {c.name for c in nb.solution_cells},
                "sources": {c.name: {"cell_type": c.cell_type, "locked": bool(c.locked),
                                     "checksum": c.checksum} for c in nb.source_cells},
            }
    return info


def level_names(root: Path) -> set[str]:
    """The levels (nbgrader assignments) the gradebook knows."""
    with open_gradebook(root) as gb:
        return {a.name for a in gb.assignments}


def add_students(root: Path, people: Iterable[tuple[str, str]]) -> None:
    """Create or update each (learner id, full name) as an nbgrader student."""
    with open_gradebook(root) as gb:
        for learner, name in people:
            first, _, last = name.partition(" ")
            gb.update_or_create_student(learner, first_name=first or None, last_name=last or None)


def set_due_dates(root: Path, dates: dict[str, datetime]) -> None:
    """Write each level's due date (aware or naive UTC) into the gradebook."""
    with open_gradebook(root) as gb:
        for level, when in dates.items():
            gb.update_or_create_assignment(level, duedate=when.replace(tzinfo=None))  # naive UTC


def grade_by_hand(root: Path, learner: str, level: str, grade_id: str, points: float,
                  comment: str) -> None:
    """What an instructor does in formgrader: a manual score and a comment on one cell."""
    with open_gradebook(root) as gb:
        try:
            sub = gb.find_submission(level, learner)
        except MissingEntry:
            return
        for nb in sub.notebooks:
            for grade in nb.grades:
                if grade.name == grade_id:
                    grade.manual_score = points
                    grade.needs_manual_grade = False
            for note in nb.comments:
                if note.name == grade_id:
                    note.manual_comment = comment
        gb.db.commit()


def reset_grades(root: Path, level: str, learner: str, submitted_at: str | None) -> None:
    """Before a regrade: the submission exists, every autograded score and comment is cleared,
    and written answers wait for a person again (their manual scores are kept)."""
    with open_gradebook(root) as gb:
        gb.update_or_create_student(learner)
        kwargs = {"timestamp": submitted_at} if submitted_at else {}
        submission = gb.update_or_create_submission(level, learner, **kwargs)
        for nb_sub in submission.notebooks:
            for grade in nb_sub.grades:
                grade.auto_score = None
                if is_manual(grade):
                    grade.needs_manual_grade = True  # a person grades (or re-checks) it
                else:
                    grade.manual_score = None
                    grade.extra_credit = None
                    grade.needs_manual_grade = False
            for comment in nb_sub.comments:
                comment.auto_comment = None
        gb.db.commit()


def zero_grades(root: Path, level: str, learner: str, not_run: Iterable[str],
                flags: Iterable[Flag]) -> None:
    """After scoring: every grade of a notebook that did not run, and each flagged criterion, is 0."""
    with open_gradebook(root) as gb:
        for name in not_run:
            try:
                nb_sub = gb.find_submission_notebook(name, level, learner)
            except MissingEntry:
                continue
            for grade in nb_sub.grades:
                grade.auto_score = 0.0
                grade.needs_manual_grade = False
        for f in flags:
            if not f.get("criterion"):
                continue
            try:
                grade = gb.find_grade(f["criterion"], f["notebook"], level, learner)
            except MissingEntry:
                continue
            grade.auto_score = 0.0
            grade.manual_score = None
            grade.needs_manual_grade = False
        gb.db.commit()


def export_rows(root: Path) -> list[dict]:
    """One row per (level, learner) of the gradebook with the values `nbgrader export` writes."""
    rows = []
    with open_gradebook(root) as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            for student in sorted(gb.students, key=lambda s: s.id):
                row = {"assignment": assignment.name, "duedate": assignment.duedate,
                       "student_id": student.id, "last_name": student.last_name,
                       "first_name": student.first_name, "email": student.email,
                       "max_score": assignment.max_score}
                try:
                    sub = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                else:
                    penalty = sub.late_submission_penalty or 0.0
                    row.update(timestamp=sub.timestamp, raw_score=sub.score,
                               late_submission_penalty=penalty,
                               score=max(0.0, (sub.score or 0.0) - penalty))
                rows.append(row)
    return rows
