"""Out to the learners: levels released to nbgrader's exchange, and feedback with the report."""

from __future__ import annotations

import logging
from pathlib import Path

from traitlets.config import Config

from ..config import CourseError, check_learner_id, check_level
from ..coursedir import GradingRecord
from ..nbgrader_app import nbgrader_api, run

log = logging.getLogger(__name__)

SECRET_FILE = "submission_secret.txt"
TIMESTAMP_FILE = "timestamp.txt"


def publish_level(root: Path, level: str) -> Path:
    """Release `release/<level>` to the exchange with nbgrader's own release step (replacing an
    earlier release of it; learners who fetched it already keep their copy)."""
    overrides = Config()
    overrides.ExchangeReleaseAssignment.force = True
    api = nbgrader_api(root, overrides)
    run(api.release_assignment(level), f"publish {level} to the exchange")
    return Path(api.coursedir.config.Exchange.root) / api.coursedir.course_id / "outbound" / level


def submission_keys(root: Path, learner: str, level: str) -> tuple[str, str] | None:
    """(secret, timestamp) of the exchange submission that was graded, or None (logged) when the
    graded attempt did not come through the exchange or is no longer the current one."""
    folder = root / "submitted" / learner / level
    try:
        secret = (folder / SECRET_FILE).read_text().strip()
        timestamp = (folder / TIMESTAMP_FILE).read_text().strip()
    except OSError:
        log.warning("%s's %s was not collected from the exchange: their feedback stays in "
                    "feedback/%s/", learner, level, learner)
        return None
    graded = (GradingRecord.read(root, learner, level, quiet=True).submitted_at or "").strip()
    if graded != timestamp:
        log.warning("%s handed in %s again (%s) after the graded attempt (%s): grade it before "
                    "releasing feedback", learner, level, timestamp, graded or "unknown")
        return None
    return secret, timestamp


def published_report(root: Path, learner: str, level: str) -> str | None:
    """The learner's report as published beside the feedback of `level` (its links point to that
    level's pages, which sit in the same folder there), or None when the level is not graded."""
    from ..reports import history
    from ..reports.model import gather_learner
    from ..reports.render import render_learner

    person = gather_learner(root, learner)
    if level not in person.levels:
        return None
    folder = root / "feedback" / learner
    entries = history.merge(history.load(folder / "history.json"), history.entries_for(person))
    return render_learner(person, entries, folder, link_level=level)


def release_feedback(root: Path, level: str | None = None, learner: str | None = None) -> list[str]:
    """Publish feedback (notebook pages and report) of graded learners to the exchange, with
    nbgrader's release_feedback step; returns the levels released."""
    from ..feedback import autograded_pairs

    if level:
        check_level(level, root)
    if learner:
        check_learner_id(learner)
    levels = sorted({lvl for _, lvl in autograded_pairs(root, level, learner)})
    if not levels:
        raise CourseError("no graded submission matches: run `course grade` first")
    api = nbgrader_api(root)
    for lvl in levels:
        run(api.release_feedback(lvl, learner), f"release the feedback of {lvl}")
    return levels
