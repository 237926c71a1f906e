"""Has a (learner, level) changed since it was graded? A fingerprint of everything grading read.

The fingerprint hashes the submission's files (timestamp.txt included), the level's course
notebooks and files (source/ and release/), the course configuration (nbgrader_config.py:
limits, late penalties), the gradebook it was recorded in and the engine's version (the
`course` package's code, nbgrader's version). `prepare_job` computes it before it reads the
submission; `record_job` stores it in grading.json when the job was graded without a fatal
error. `course grade` skips a pair whose stored fingerprint is today's and whose submission the
gradebook holds (`--force` regrades everything).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import nbgrader

import course
from course.config import CONFIG_FILE, load_config
from course.coursedir import GradingRecord
from course.gradebook import open_gradebook, run_memo

log = logging.getLogger(__name__)

#: Bump to regrade every pair even when the code hash would not change (e.g. a dependency).
ENGINE_EPOCH = "1"
PACKAGE = Path(course.__file__).resolve().parent


@lru_cache(maxsize=1)
def engine_version() -> str:
    """A hash of the grading code: every module of the `course` package, and nbgrader's version."""
    digest = hashlib.sha256(f"{ENGINE_EPOCH}\0{nbgrader.__version__}\0".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _hash_tree(digest: hashlib._Hash, folder: Path) -> None:  # noqa: SLF001 -- hashlib's type
    """Every file under `folder` (names and contents), in a stable order; nothing if it is absent."""
    digest.update(folder.name.encode() + b"\0")
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts):
            continue  # .ipynb_checkpoints and the like
        digest.update(rel.encode() + b"\0" + str(path.stat().st_size).encode() + b"\0")
        digest.update(path.read_bytes())


def _course_part(root: Path, level: str, db_url: str) -> str:
    digest = hashlib.sha256(f"{engine_version()}\0{db_url}\0".encode())
    config = root / CONFIG_FILE
    digest.update(config.read_bytes() if config.is_file() else b"")
    for folder in ("source", "release"):
        _hash_tree(digest, root / folder / level)
    return digest.hexdigest()


def fingerprint(root: Path, level: str, learner: str, db_url: str | None = None) -> str:
    """The fingerprint of grading `learner`'s `level` now (the course part read once per run)."""
    root = Path(root)
    if db_url is None:
        db_url = load_config(root).CourseDirectory.db_url
    memo = run_memo(root)
    key = ("fingerprint", level, db_url)
    if memo is not None and key in memo:
        part = memo[key]
    else:
        part = _course_part(root, level, db_url)
        if memo is not None:
            memo[key] = part
    return _with_submission(part, root, level, learner)


def _with_submission(part: str, root: Path, level: str, learner: str) -> str:
    digest = hashlib.sha256(part.encode())
    _hash_tree(digest, root / "submitted" / learner / level)
    return digest.hexdigest()


def _in_gradebook(root: Path) -> set[tuple[str, str]]:
    """(learner, level) of every submission the gradebook holds."""
    from nbgrader.api import Assignment, SubmittedAssignment

    with open_gradebook(root) as gb:
        rows = gb.db.query(SubmittedAssignment.student_id, Assignment.name).join(
            Assignment, SubmittedAssignment.assignment_id == Assignment.id).all()
    return {(learner, level) for learner, level in rows}


def split_unchanged(root: Path, pairs: Iterable[tuple[str, str]]
                    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(pairs to grade, pairs unchanged since they were graded), each in the order given."""
    root = Path(root)
    pairs = list(pairs)
    if not pairs:
        return [], []
    db_url = load_config(root).CourseDirectory.db_url
    recorded = _in_gradebook(root)
    parts: dict[str, str] = {}
    todo, unchanged = [], []
    for learner, level in pairs:
        stored = GradingRecord.read(root, learner, level, quiet=True).fingerprint
        if stored and (learner, level) in recorded:
            if level not in parts:
                parts[level] = _course_part(root, level, db_url)
            if _with_submission(parts[level], root, level, learner) == stored:
                unchanged.append((learner, level))
                continue
        todo.append((learner, level))
    log.info("%d pair(s) unchanged since graded, %d to grade", len(unchanged), len(todo))
    return todo, unchanged
