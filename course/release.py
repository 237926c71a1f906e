"""Building the learner notebooks of release/ from source/ with nbgrader's generate_assignment."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from .config import CourseError, available_levels, check_level
from .nbgrader_app import nbgrader_api, run
from .notebooks import NotebookError, read_notebook, shows_learner_work

log = logging.getLogger(__name__)


def release(root: Path, level: str | None = None, *, exchange: bool = True) -> list[str]:
    """Regenerate release/<level> (every level with notebooks when None); returns the levels built.

    This also records each level's notebooks, grade cells and due date in the gradebook, which
    grading needs, and (with `exchange`) publishes the level to nbgrader's exchange, where
    learners fetch it from the Assignments tab.
    """
    from .exchange.publish import publish_level
    from .schedule import apply_due_dates

    levels = [check_level(level, root)] if level else available_levels(root)
    if not levels:
        raise CourseError(f"no notebooks under {root / 'source'}: nothing to release")
    for lvl in levels:
        refuse_to_overwrite_work(root, lvl)
    api = nbgrader_api(root)
    for lvl in levels:
        log.info("releasing %s", lvl)
        run(api.generate_assignment(lvl, force=True, create=True), f"release {lvl}")
    apply_due_dates(root, levels)
    if exchange:
        for lvl in levels:
            publish_level(root, lvl)
    return levels


def refuse_to_overwrite_work(root: Path, level: str) -> None:
    """A CourseError when release/<level> holds someone's work, which a release would overwrite."""
    worked = []
    for path in sorted((root / "release" / level).glob("*.ipynb")):
        try:
            if shows_learner_work(read_notebook(path)):
                worked.append(path.name)
        except NotebookError:
            worked.append(path.name)
    if worked:
        raise CourseError(
            f"release/{level}/ holds someone's work ({', '.join(worked)}: answers written, outputs "
            "saved or not a clean notebook), which releasing would overwrite. Learners work in "
            "workspace/ (`course lab` copies that work there); move these files away, or discard "
            f"the changes with `git checkout release/{level}`, then release again")


def build_release(root: Path, level: str, dest: Path) -> Path:
    """Build the release of one level into `dest` with a throw-away gradebook (for drift checks)."""
    check_level(level, root)
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        api = nbgrader_api(root, release_directory=str(dest),
                           db_url=f"sqlite:///{Path(tmp) / 'gradebook.db'}")
        run(api.generate_assignment(level, force=True, create=True), f"build {level}")
    return dest / level


def register_levels(root: Path, levels: list[str] | None = None) -> None:
    """Record levels and their grade cells in the gradebook without touching release/."""
    api_levels = levels or available_levels(root)
    with tempfile.TemporaryDirectory(prefix="course-register-") as tmp:
        api = nbgrader_api(root, release_directory=tmp)
        for lvl in api_levels:
            run(api.generate_assignment(lvl, force=True, create=True), f"register {lvl}")
