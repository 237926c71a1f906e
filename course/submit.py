"""Taking in a learner's notebooks: submitted/<learner>/<level>/, earlier attempts kept aside."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path

from .config import CourseError, check_learner_id, check_level, grading_limits
from .notebooks import read_notebook, source_notebooks

log = logging.getLogger(__name__)

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
ATTEMPTS = ".attempts"  # not a level name, so nbgrader never mistakes it for a submission


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:.1f} MB"


def too_big(path: Path, limit: int) -> str | None:
    """Why a submitted notebook is over the size limit, or None when it is not."""
    size = path.stat().st_size
    if size <= limit:
        return None
    return (f"{path.name} is {_megabytes(size)}, over the course's limit of {_megabytes(limit)} "
            "per notebook (GradingLimits.notebook_bytes)")


def expected_names(root: Path, level: str) -> list[str]:
    return [p.name for p in source_notebooks(root, level)]


def submit(root: Path, level: str, learner: str, from_dir: Path, *, replace: bool = True,
           now: datetime | None = None) -> Path:
    """Copy a learner's notebooks of one level into submitted/<learner>/<level>/.

    Every notebook is read first, so nothing is changed when one of them is broken. With
    `replace`, the previous submission of that level is moved to submitted/<learner>/.attempts/;
    without it, the new notebooks are added to it (how `course check` submits one notebook).
    """
    check_learner_id(learner)
    check_level(level, root)
    from_dir = Path(from_dir)
    if not from_dir.is_dir():
        raise CourseError(f"{from_dir} is not a folder of notebooks")
    expected = expected_names(root, level)
    found = sorted(p for p in from_dir.glob("*.ipynb") if p.name in expected)
    unknown = sorted(p.name for p in from_dir.glob("*.ipynb") if p.name not in expected)
    if unknown:
        log.warning("ignoring notebooks that are not part of %s: %s", level, ", ".join(unknown))
    if not found:
        raise CourseError(
            f"{from_dir} holds none of the {level} notebooks ({', '.join(expected)})")
    limit = grading_limits(root).notebook_bytes
    for path in found:
        problem = too_big(path, limit)
        if problem:
            raise CourseError(f"{problem}: clear its outputs (in JupyterLab: Edit > Clear Outputs "
                              "of All Cells), save it and submit again")
        read_notebook(path)  # raises NotebookError (a ValueError) naming the file

    dest = root / "submitted" / learner / level
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    if dest.exists() and replace:
        archive = root / "submitted" / learner / ATTEMPTS / f"{level}-{stamp:%Y%m%dT%H%M%S%f}"
        archive.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(dest), str(archive))
        log.info("previous %s submission of %s kept in %s", level, learner, archive)
    dest.mkdir(parents=True, exist_ok=True)
    for path in found:
        shutil.copyfile(path, dest / path.name)
    (dest / "timestamp.txt").write_text(stamp.strftime(TIMESTAMP_FORMAT).strip() + "\n")
    missing = sorted(set(expected) - {p.name for p in dest.glob("*.ipynb")})
    if missing:
        log.warning("%s's %s submission has no %s: those notebooks score zero",
                    learner, level, ", ".join(missing))
    return dest


def submitted_pairs(root: Path, level: str | None = None,
                    learner: str | None = None) -> list[tuple[str, str]]:
    """(learner, level) of every submission on disk, sorted, optionally filtered."""
    base = root / "submitted"
    if not base.is_dir():
        return []
    pairs = []
    for folder in sorted(base.glob("*/level*")):
        who, lvl = folder.parent.name, folder.name
        if folder.is_dir() and (level is None or lvl == level) and (learner is None or who == learner):
            pairs.append((who, lvl))
    return pairs
