"""Per-level due dates: set in nbgrader_config.py (`c.CourseSchedule.due_dates`), kept in the gradebook.

nbgrader reads a level's due date from the gradebook (formgrader shows and edits it there, and
its late-penalty step compares the submission time with it). The course writes the dates of
nbgrader_config.py into the gradebook whenever it registers a level (`course release`, `course
grade`, `course collect`); a level the file does not name keeps whatever the gradebook has.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from traitlets import Dict, Unicode
from traitlets.config import Configurable

from .config import CONFIG_FILE, LEVELS, CourseError, load_config
from .gradebook import set_due_dates


class CourseSchedule(Configurable):
    """When each level is due."""

    due_dates = Dict(
        key_trait=Unicode(), value_trait=Unicode(),
        help="Due date of each level, ISO 8601 with a UTC offset, e.g. "
             "{'level1': '2026-03-02T17:00:00+01:00'}; a level left out has none.",
    ).tag(config=True)


def parse_due(level: str, text: str) -> datetime:
    """A due date as an aware UTC datetime; a CourseError saying what to write otherwise."""
    if level not in LEVELS:
        raise CourseError(f"{CONFIG_FILE}: CourseSchedule.due_dates names {level!r}, which is "
                          f"not a level ({', '.join(LEVELS)})")
    try:
        when = datetime.fromisoformat(text.strip().replace(" UTC", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise CourseError(f"{CONFIG_FILE}: the due date of {level} ({text!r}) needs a date, a time "
                          "and a UTC offset, e.g. '2026-03-02T17:00:00+01:00'")
    return when.astimezone(UTC)


def due_dates(root: Path) -> dict[str, datetime]:
    """The due dates nbgrader_config.py sets, checked."""
    schedule = CourseSchedule(config=load_config(root))
    return {level: parse_due(level, text) for level, text in sorted(schedule.due_dates.items())}


def apply_due_dates(root: Path, levels: list[str] | None = None) -> dict[str, datetime]:
    """Write the configured due dates of `levels` (all when None) into the gradebook."""
    dates = {lvl: when for lvl, when in due_dates(root).items() if levels is None or lvl in levels}
    if dates:
        set_due_dates(root, dates)
    return dates
