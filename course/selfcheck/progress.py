"""The learner's local record of self-checks and hints: one small JSON file, never in git.

Where it lives: `$COURSE_HOME/progress.json` when COURSE_HOME is set, else
`<course folder>/.course/progress.json` (the folder holding nbgrader_config.py, git-ignored), else
`~/.course/progress.json`. Shape:

    {"hints": {"l1_split": 2},
     "checks": {"l1_split": {"attempts": 3, "passed": true, "last": "2026-11-28T20:41:05+00:00"}}}

Failing to read or write it never stops a check or a hint: it is only a convenience.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from course.config import CourseError, find_root, learner_home

log = logging.getLogger(__name__)

FILE_NAME = "progress.json"


def progress_path() -> Path:
    try:
        root = find_root()
    except CourseError:
        root = None
    return learner_home(root) / FILE_NAME


def load(path: Path | None = None) -> dict[str, Any]:
    path = path or progress_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable progress file %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def save(data: dict[str, Any], path: Path | None = None) -> bool:
    """Write atomically; False (and a log record) when the folder is not writable."""
    path = path or progress_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".progress-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
        return True
    except OSError as exc:
        log.warning("could not record progress in %s: %s", path, exc)
        return False


def hints_seen(criterion_id: str, path: Path | None = None) -> int:
    value = load(path).get("hints", {}).get(criterion_id, 0)
    return value if isinstance(value, int) and value >= 0 else 0


def record_hint(criterion_id: str, level: int, path: Path | None = None) -> None:
    data = load(path)
    hints = data.setdefault("hints", {})
    if not isinstance(hints, dict):
        hints = data["hints"] = {}
    hints[criterion_id] = max(level, hints.get(criterion_id, 0) if isinstance(hints.get(criterion_id), int) else 0)
    save(data, path)


def record_check(criterion_id: str, passed: bool, path: Path | None = None) -> None:
    data = load(path)
    checks = data.setdefault("checks", {})
    if not isinstance(checks, dict):
        checks = data["checks"] = {}
    entry = checks.get(criterion_id)
    attempts = entry.get("attempts", 0) if isinstance(entry, dict) else 0
    checks[criterion_id] = {"attempts": attempts + 1, "passed": bool(passed),
                            "last": datetime.now(UTC).isoformat(timespec="seconds")}
    save(data, path)
