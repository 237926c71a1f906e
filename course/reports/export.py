"""reports/grades.csv for an LMS: nbgrader's grade export columns plus one column per criterion.

Totals follow the reports' rule (course.reports.model): a written answer that no instructor has
graded yet counts in neither `score` nor `max_score` until it is graded; its points are in
`awaiting_instructor_points`. So a learner's score / max_score here is the percentage their
report shows. Levels not graded yet keep nbgrader's own totals (score 0 of the level's points).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .. import criteria
from ..gradebook import export_rows
from .model import AWAITING, Learner

#: The columns of `nbgrader export` (CsvExportPlugin), in its order.
NBGRADER_COLUMNS: tuple[str, ...] = (
    "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
    "raw_score", "late_submission_penalty", "score", "max_score",
)
#: Points of written answers awaiting an instructor: counted in neither score nor max_score.
AWAITING_COLUMN = "awaiting_instructor_points"


def _text(value) -> str:
    return "" if value is None else str(value)


def nbgrader_rows(root: Path) -> list[dict[str, str]]:
    """One row per (assignment, student) of the gradebook, as `nbgrader export` writes them."""
    return [{k: _text(v) for k, v in row.items()} for row in export_rows(root)]


def criterion_columns(learners: list[Learner]) -> list[str]:
    """Every criterion of the course in course order, then any other graded cell, sorted."""
    known = [c.id for c in criteria.CRITERIA]
    extra = sorted({c.id for p in learners for c in p.criteria} - set(known))
    return known + extra


def to_csv(base_rows: list[dict[str, str]], learners: list[Learner]) -> str:
    """The CSV text: each base row, with the report's totals, gains the learner's score on each
    criterion of that level.

    A criterion cell is empty when the criterion belongs to another level, was not graded, or
    awaits an instructor.
    """
    columns = criterion_columns(learners)
    scores = {
        (p.id, lvl.level, c.id): c.score
        for p in learners for lvl in p.levels.values() for c in lvl.criteria
        if c.status != AWAITING
    }
    levels = {(p.id, lvl.level): lvl for p in learners for lvl in p.levels.values()}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*NBGRADER_COLUMNS, AWAITING_COLUMN, *columns])
    for row in base_rows:
        row = dict(row)
        awaiting = ""
        graded = levels.get((row["student_id"], row["assignment"]))
        if graded is not None:  # the report's totals; LevelResult.score is after any penalty
            raw = sum(c.score for c in graded.criteria if c.counted)
            row.update(raw_score=f"{raw:g}", late_submission_penalty=f"{graded.penalty:g}",
                       score=f"{graded.score:g}", max_score=f"{graded.max_score:g}")
            awaiting = f"{sum(c.max_score for c in graded.criteria if c.status == AWAITING):g}"
        cells = [row.get(k, "") for k in NBGRADER_COLUMNS] + [awaiting]
        for cid in columns:
            value = scores.get((row["student_id"], row["assignment"], cid))
            cells.append("" if value is None else f"{value:g}")
        writer.writerow(cells)
    return out.getvalue()


def write_export(root: Path, learners: list[Learner]) -> Path:
    text = to_csv(nbgrader_rows(root), learners)  # first: a gradebook error changes nothing
    path = root / "reports" / "grades.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
