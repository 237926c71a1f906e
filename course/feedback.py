"""Learner feedback: nbgrader's per-notebook HTML (sanitized, offline) and the learner's report.

The per-notebook pages pass nbgrader_config.py's feedback preprocessors (course.preprocessors:
hidden tests and mark schemes removed, learner HTML cleaned by nh3), then reports.offline.

feedback/<learner>/report.html, report.json and history.json are written by course.reports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from traitlets.config import Config

from .config import CourseError, check_learner_id, check_level
from .nbgrader_app import nbgrader_api, run
from .reports.build import write_learner
from .reports.model import gather_learner
from .reports.offline import make_offline_file

log = logging.getLogger(__name__)


def autograded_pairs(root: Path, level: str | None = None,
                     learner: str | None = None) -> list[tuple[str, str]]:
    """(learner, level) of every autograded submission on disk, sorted, optionally filtered."""
    base = root / "autograded"
    if not base.is_dir():
        return []
    return [
        (folder.parent.name, folder.name)
        for folder in sorted(base.glob("*/level*"))
        if folder.is_dir() and (level is None or folder.name == level)
        and (learner is None or folder.parent.name == learner)
    ]


def write_feedback(root: Path, level: str | None = None, learner: str | None = None, *,
                   model_answers: bool = False,
                   progress: Callable[[str], None] | None = None) -> list[Path]:
    """nbgrader's feedback HTML and each learner's report for graded learners; returns report.html paths."""
    if level:
        check_level(level, root)
    if learner:
        check_learner_id(learner)
    pairs = autograded_pairs(root, level, learner)
    overrides = Config()
    if model_answers:
        overrides.ClearMarkSchemeUnlessAllowed.allow_all = True
    api = nbgrader_api(root, overrides)
    failures = []
    for who, lvl in pairs:
        log.info("feedback for %s %s", who, lvl)
        try:
            run(api.generate_feedback(lvl, who, force=True), f"write feedback for {who} {lvl}")
        except CourseError as exc:  # one learner's broken submission never stops the others
            log.warning("%s", exc)
            failures.append(str(exc))
        for page in sorted((root / "feedback" / who / lvl).glob("*.html")):
            make_offline_file(page)
        if progress:
            progress(f"{who} {lvl}")
    written = []
    for who in sorted({who for who, _ in pairs}):
        person = gather_learner(root, who)
        if person.levels:
            written.append(write_learner(root, person))
    if failures and not written:
        raise CourseError("; ".join(failures))
    return written
