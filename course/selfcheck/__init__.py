"""In-notebook self-checks and escalating hints for the course's autograded criteria.

    from course.selfcheck import check, hint
    check("l1_split", split_data)   # runs the visible checks of l1_split on your split_data
    hint("l1_split")                # the next hint for l1_split, more specific each time

`check` runs the visible part of the criterion's test cell (never the hidden tests) and says
what passed or what failed, in plain words; it never raises. `run` is the same without display
(for tests and tools). Attempts and hints seen are recorded in a small local JSON file (see
`course.selfcheck.progress`). Set COURSE_SELFCHECK=off to skip the checks (grading does: the
hidden tests decide there).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from course import criteria

from . import progress, shell, view
from .errors import NotWrittenYet, SelfCheckFailed
from .hints import EXTRA_HINTS, hint_levels
from .registry import Checker, checker, checkers_of
from .runner import CheckResult, run

__all__ = ["EXTRA_HINTS", "CheckResult", "Checker", "NotWrittenYet", "SelfCheckFailed", "check",
           "checker", "checkers_of", "hint", "hint_levels", "run"]

log = logging.getLogger(__name__)


def disabled() -> bool:
    """Self-checks are off when COURSE_SELFCHECK says so or the notebook runs inside grading."""
    if os.environ.get("COURSE_SELFCHECK", "").strip().lower() in {"0", "off", "false", "no"}:
        return True
    try:
        return "autograded" in Path.cwd().resolve().parts
    except OSError:
        return False


def check(criterion_id: str, *objects: Any, **named: Any) -> None:
    """Run the visible checks of a criterion on your functions or classes and show the result."""
    if disabled():
        view.show(view.skipped_text(criterion_id), view.skipped_html(criterion_id))
        return
    namespace = shell.user_namespace()
    if namespace is None:
        # Outside IPython (a plain `python` script or REPL, the tests) there is no user
        # namespace: the learner's names are the globals of the module that called check(),
        # one frame up (no walk of the stack).
        try:
            namespace = sys._getframe(1).f_globals
        except (AttributeError, ValueError):  # a Python without frames
            namespace = None
    result = run(criterion_id, *objects, namespace=namespace, **named)
    if result.status in ("passed", "failed", "not written"):
        progress.record_check(criterion_id, result.passed)
    view.show(view.result_text(result), view.result_html(result))


def hint(criterion_id: str, level: int | None = None) -> None:
    """Show the next hint for a criterion (or hint `level`), more specific each call."""
    try:
        levels = hint_levels(criterion_id)
    except KeyError:
        ids = ", ".join(c.id for c in criteria.CRITERIA)
        view.show(view.unknown_text(criterion_id, ids), view.unknown_html(criterion_id))
        return
    if level is None:
        level = min(progress.hints_seen(criterion_id) + 1, len(levels))
    level = max(1, min(int(level), len(levels)))
    progress.record_hint(criterion_id, level)
    shown = view.HintView(criterion_id, criteria.get(criterion_id).title, level, len(levels),
                          levels[level - 1])
    view.show(view.hint_text(shown), view.hint_html(shown))
