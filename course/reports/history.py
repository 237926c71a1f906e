"""Score history across grading runs: feedback/<learner>/history.json, kept outside the gradebook.

Each entry is one graded attempt at one level: {"level", "graded_at", "score", "max_score",
"percent"}. An entry is added when a level's graded_at (the grader's record, else the submission's
timestamp) has not been seen before, so running feedback twice on the same grading adds nothing;
when it has, the entry takes the current values (an instructor's manual grades given later count
in the attempt they grade). Entries are sorted by (graded_at, level), which keeps the file
deterministic.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from .model import Learner

log = logging.getLogger(__name__)

VERSION = 1


def entries_for(learner: Learner) -> list[dict]:
    """The history entries of a learner's current results, one per graded level."""
    return [
        {"level": lvl.level, "graded_at": lvl.graded_at, "score": lvl.score,
         "max_score": lvl.max_score, "percent": lvl.percent}
        for lvl in learner.levels.values() if lvl.graded_at
    ]


def merge(old: list[dict], new: list[dict]) -> list[dict]:
    """old with new's entries added, or replacing the entry of the same (level, graded_at); sorted."""
    merged = {(e.get("level"), e.get("graded_at")): e for e in old}
    for entry in new:
        merged[(entry["level"], entry["graded_at"])] = entry
    return sorted(merged.values(), key=lambda e: (str(e.get("graded_at")), str(e.get("level"))))


def load(path: Path) -> list[dict]:
    """The entries of a history file; [] when it is missing or unreadable (which is logged)."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("starting a new history: %s is unreadable (%s)", path, exc)
        return []
    entries = data.get("entries") if isinstance(data, dict) else None
    return [e for e in entries or [] if isinstance(e, dict) and "level" in e and "graded_at" in e]


def dump(learner_id: str, entries: list[dict]) -> str:
    return json.dumps({"version": VERSION, "learner": learner_id, "entries": entries},
                      indent=2, ensure_ascii=False) + "\n"


def update(path: Path, learner: Learner) -> list[dict]:
    """Add the learner's current results to their history file; returns the whole history."""
    entries = merge(load(path), entries_for(learner))
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dump(learner.id, entries)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return entries


def by_level(entries: list[dict]) -> dict[str, list[dict]]:
    """Entries grouped per level, in the order they happened."""
    grouped: dict[str, list[dict]] = {}
    for entry in entries:
        grouped.setdefault(entry["level"], []).append(entry)
    return dict(sorted(grouped.items()))
