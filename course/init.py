"""`course init`: the gradebook with the course's levels and the roster's learners."""

from __future__ import annotations

import logging
from pathlib import Path

from .config import available_levels
from .gradebook import add_students
from .release import register_levels
from .roster import read_roster

log = logging.getLogger(__name__)


def init_course(root: Path) -> dict[str, int]:
    """Create or update the gradebook: every level with notebooks, every learner of roster.csv."""
    members = read_roster(root)  # checked before anything is written
    (root / "exchange").mkdir(exist_ok=True)
    levels = available_levels(root)
    if levels:
        register_levels(root, levels)
    add_students(root, [(member.learner_id, member.name) for member in members])
    return {"levels": len(levels), "learners": len(members)}
