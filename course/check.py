"""`course check`: a self-paced learner grades their own notebook with the hidden tests, now."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from course import scratch
from course.config import LEVELS, CourseError, check_learner_id, check_level, learner_home
from course.feedback import write_feedback
from course.gradebook import level_names
from course.grading import JobResult, grade
from course.notebooks import read_notebook, source_notebooks
from course.release import register_levels
from course.submit import submit

log = logging.getLogger(__name__)


def level_of(root: Path, notebook: Path, level: str | None = None) -> str:
    """The level a learner's notebook belongs to: given, its folder's name, or its file name."""
    if level:
        return check_level(level, root)
    if notebook.parent.name in LEVELS:
        return check_level(notebook.parent.name, root)
    owners = [lvl for lvl in LEVELS if (root / "source" / lvl / notebook.name).is_file()]
    if len(owners) == 1:
        return owners[0]
    if not owners:
        known = ", ".join(f"{p.parent.name}/{p.name}" for p in source_notebooks(root))
        raise CourseError(f"{notebook.name} is not a course notebook (the course has {known})")
    raise CourseError(f"{notebook.name} exists in {', '.join(owners)}: say which with --level")


def ensure_registered(root: Path, level: str, *, again: bool = False) -> None:
    """Record the level in the gradebook if it is not there yet (or `again`, after a change),
    with the due date nbgrader_config.py gives it."""
    from course.schedule import apply_due_dates

    if not again:
        again = level not in level_names(root)
    if again:
        log.info("recording %s in the gradebook of %s", level, root)
        register_levels(root, [level])
    apply_due_dates(root, [level])


def check_course(root: Path) -> Path:
    """The folder of `course check`'s private course (see course.scratch), inside learner_home."""
    return learner_home(root) / "check"


def check(root: Path, path: Path, learner: str = "me", level: str | None = None,
          step: Callable[[str], None] | None = None) -> JobResult:
    """Grade a learner's copy of one notebook (or a folder of one level's notebooks).

    Grading happens in a private course (check_course), so the instructor's gradebook,
    submissions, feedback and reports never see it. `step(description)` is called as each phase
    starts, for a progress display.
    """
    check_learner_id(learner)
    path = Path(path)
    if path.is_dir():
        notebooks = sorted(path.glob("*.ipynb"))
        if not notebooks:
            raise CourseError(f"{path} holds no notebooks")
        lvl = level_of(root, notebooks[0], level or (path.name if path.name in LEVELS else None))
    elif path.is_file():
        notebooks = [path]
        lvl = level_of(root, path, level)
    else:
        raise CourseError(f"{path}: no such notebook or folder")
    expected = {p.name for p in source_notebooks(root, lvl)}
    for nb in notebooks:
        read_notebook(nb)
        if nb.name not in expected:
            raise CourseError(f"{nb.name} is not a notebook of {lvl} ({', '.join(sorted(expected))})")
    step = step or (lambda _what: None)
    step("preparing your private gradebook")
    private = check_course(root)
    changed = scratch.prepare(root, private, "check")
    ensure_registered(private, lvl, again=lvl in changed)
    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        for nb in notebooks:
            shutil.copyfile(nb, Path(tmp) / nb.name)
        submit(private, lvl, learner, Path(tmp), replace=False)
    step(f"running the hidden tests of {lvl}")
    [result] = grade(private, [(learner, lvl)], isolation="best")
    if result.ok:
        step("writing your feedback")
        write_feedback(private, lvl, learner)
    return result
