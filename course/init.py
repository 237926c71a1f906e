"""`course init`: the gradebook with the course's levels and the roster's learners."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from .config import CourseError, available_levels, check_learner_id
from .nbgrader_app import gradebook
from .release import register_levels

log = logging.getLogger(__name__)


def read_roster(path: Path) -> list[dict[str, str]]:
    """Rows of roster.csv (learner_id, name, group), every learner id checked."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if rows and "learner_id" not in rows[0]:
        raise CourseError(f"{path} needs a header with learner_id, name, group")
    for row in rows:
        check_learner_id(row["learner_id"])
    return rows


def init_course(root: Path) -> dict[str, int]:
    """Create or update the gradebook: every level with notebooks, every learner of roster.csv."""
    (root / "exchange").mkdir(exist_ok=True)
    levels = available_levels(root)
    if levels:
        register_levels(root, levels)
    roster = root / "roster.csv"
    rows = read_roster(roster) if roster.exists() else []
    with gradebook(root) as gb:
        for row in rows:
            first, _, last = (row.get("name") or "").partition(" ")
            gb.update_or_create_student(row["learner_id"], first_name=first or None,
                                        last_name=last or None)
    return {"levels": len(levels), "learners": len(rows)}
