"""Learner feedback: nbgrader's per-notebook HTML (sanitized) and a per-learner report.json."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from traitlets.config import Config

from . import criteria
from .config import LEVELS, check_learner_id, check_level
from .grading.scores import level_results
from .nbgrader_app import nbgrader_api, run

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


def learner_report(root: Path, learner: str) -> dict:
    """Plain data of one learner's criterion results over every graded level."""
    levels = {}
    for level in LEVELS:
        results = level_results(root, level, learner)
        if not results:
            continue
        auto = [r for r in results if not r.manual]
        levels[level] = {
            "score": sum(r.score for r in auto),
            "max_score": sum(r.max_score for r in auto),
            "manual_pending": sum(1 for r in results if r.manual and r.needs_manual_grade),
            "criteria": [r.to_dict() for r in results],
        }
    return {
        "learner": learner,
        "course_id": "ml-engineer-skills",
        "levels": levels,
        "learning_path": [
            {"id": step.id, "title": step.title, "path": step.path}
            for step in criteria.LEARNING_PATH
            if any(not c["passed"] and c.get("path_step") == step.id and not c["manual"]
                   for lvl in levels.values() for c in lvl["criteria"])
        ],
    }


def write_feedback(root: Path, level: str | None = None, learner: str | None = None, *,
                   model_answers: bool = False) -> list[Path]:
    """Write nbgrader feedback and report.json for graded learners; returns the reports written."""
    if level:
        check_level(level, root)
    if learner:
        check_learner_id(learner)
    pairs = autograded_pairs(root, level, learner)
    overrides = Config()
    if model_answers:
        overrides.ClearMarkSchemeUnlessAllowed.allow_all = True
    api = nbgrader_api(root, overrides)
    for who, lvl in pairs:
        log.info("feedback for %s %s", who, lvl)
        run(api.generate_feedback(lvl, who, force=True), f"write feedback for {who} {lvl}")
    written = []
    for who in sorted({who for who, _ in pairs}):
        out = root / "feedback" / who / "report.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(learner_report(root, who), indent=2, ensure_ascii=False) + "\n")
        written.append(out)
    return written
