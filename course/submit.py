"""Taking in a learner's notebooks: submitted/<learner>/<level>/, earlier attempts kept aside."""

from __future__ import annotations

import logging
import shutil
import tempfile
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


def unexpected_notebooks(root: Path, level: str, from_dir: Path) -> list[str]:
    """Notebooks in `from_dir` that are not part of `level` (a submission leaves them out)."""
    expected = set(expected_names(root, level))
    return sorted(p.name for p in Path(from_dir).glob("*.ipynb") if p.name not in expected)


def missing_notebooks(root: Path, level: str, learner: str) -> list[str]:
    """Notebooks of `level` that the learner's current submission lacks (they score zero)."""
    dest = root / "submitted" / learner / level
    return sorted(set(expected_names(root, level)) - {p.name for p in dest.glob("*.ipynb")})


def read_stamp(folder: Path) -> datetime:
    """When the submission in `folder` was made: its timestamp.txt, else the folder's mtime."""
    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
        return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except (OSError, ValueError):
        return datetime.fromtimestamp(folder.stat().st_mtime, UTC)


def _archive_path(learner_dir: Path, level: str, made: datetime) -> Path:
    """A free path under .attempts/ named after the time the attempt was made."""
    base = learner_dir / ATTEMPTS / f"{level}-{made:%Y%m%dT%H%M%S%f}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path


def submit(root: Path, level: str, learner: str, from_dir: Path, *, replace: bool = True,
           now: datetime | None = None) -> Path:
    """Copy a learner's notebooks of one level into submitted/<learner>/<level>/.

    Every notebook is read into memory and checked first, so nothing is changed when one of them
    is broken, and `from_dir` may be the current submission itself. The new submission is built
    beside the old one and swapped in by renames. With `replace`, the previous submission of that
    level is moved to submitted/<learner>/.attempts/, named after the time it was made; without
    it, the new notebooks are added to it (how `course check` submits one notebook).
    """
    check_learner_id(learner)
    check_level(level, root)
    from_dir = Path(from_dir)
    if not from_dir.is_dir():
        raise CourseError(f"{from_dir} is not a folder of notebooks")
    expected = expected_names(root, level)
    found = sorted(p for p in from_dir.glob("*.ipynb") if p.name in expected)
    unknown = unexpected_notebooks(root, level, from_dir)
    if unknown:
        log.info("ignoring notebooks that are not part of %s: %s", level, ", ".join(unknown))
    if not found:
        raise CourseError(
            f"{from_dir} holds none of the {level} notebooks ({', '.join(expected)})")
    limit = grading_limits(root).notebook_bytes
    contents: dict[str, bytes] = {}
    for path in found:
        problem = too_big(path, limit)
        if problem:
            raise CourseError(f"{problem}: clear its outputs (in JupyterLab: Edit > Clear Outputs "
                              "of All Cells), save it and submit again")
        read_notebook(path)  # raises NotebookError naming the file
        try:
            contents[path.name] = path.read_bytes()
        except OSError as exc:
            raise CourseError(f"cannot read {path}: {exc.strerror or exc}") from None

    learner_dir = root / "submitted" / learner
    dest = learner_dir / level
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    learner_dir.mkdir(parents=True, exist_ok=True)
    # Built beside the old submission (same file system), swapped in by renames: an interrupted
    # submit leaves the previous submission as it was.
    staging = Path(tempfile.mkdtemp(prefix=f".incoming-{level}-", dir=learner_dir))
    moved_to: Path | None = None
    try:
        if dest.is_dir() and not replace:
            for old in dest.glob("*.ipynb"):
                if old.name not in contents:
                    shutil.copy2(old, staging / old.name)
        for name, data in contents.items():
            (staging / name).write_bytes(data)
        (staging / "timestamp.txt").write_text(stamp.strftime(TIMESTAMP_FORMAT).strip() + "\n")
        if dest.exists():
            if replace:
                moved_to = _archive_path(learner_dir, level, read_stamp(dest))
                moved_to.parent.mkdir(parents=True, exist_ok=True)
            else:
                moved_to = learner_dir / f".replaced-{staging.name}"
            dest.rename(moved_to)
        staging.rename(dest)
    except BaseException:
        if moved_to is not None and not dest.exists() and moved_to.exists():
            moved_to.rename(dest)  # put the previous submission back
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if moved_to is not None and not replace:
        shutil.rmtree(moved_to, ignore_errors=True)
    elif moved_to is not None:
        log.info("previous %s submission of %s kept in %s", level, learner, moved_to)
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
