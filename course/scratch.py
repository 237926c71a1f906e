"""Scratch courses: the demo's sample course and `course check`'s private gradebook.

A scratch course is a course folder of its own (gradebook, submitted/, autograded/, feedback/,
reports/, exchange/) whose nbgrader_config.py loads the instructor's and then points every place
at itself, so it grades with the instructor's notebooks and limits but never reads or writes the
instructor's gradebook, submissions, feedback or reports, nor the learner's workspace. A marker
file says which command made it: only a folder carrying that marker is ever rebuilt or emptied.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from .config import CONFIG_FILE, SCRATCH_MARKER, CourseError

log = logging.getLogger(__name__)

_CONFIG = '''"""A scratch course made by `course {purpose}`: the settings of the course at
{root}, with its own gradebook and folders here. Rewritten by the course; edit the course's own
nbgrader_config.py instead.
"""

import os

c = get_config()  # noqa: F821 -- provided by traitlets
load_subconfig({config!r})  # noqa: F821 -- the instructor's settings: limits, preprocessors...

HERE = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
c.Exchange.root = os.path.join(HERE, "exchange")
# no deadlines here: a self-check or a demo is never late
c.CourseSchedule.due_dates = {{}}
c.LatePenalty.penalty_method = "none"
'''


def _owner(folder: Path) -> str | None:
    marker = folder / SCRATCH_MARKER
    try:
        return marker.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _sync_tree(src: Path, dest: Path) -> set[str]:
    """Make dest/ hold the same level*/*.ipynb as src/; the levels whose notebooks changed."""
    changed: set[str] = set()
    wanted = {p.relative_to(src) for p in src.glob("level*/*.ipynb")}
    for rel in sorted(wanted):
        data = (src / rel).read_bytes()
        target = dest / rel
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.add(rel.parts[0])
    for old in dest.glob("level*/*.ipynb"):
        if old.relative_to(dest) not in wanted:
            old.unlink()
            changed.add(old.parent.name)
    return changed


def prepare(root: Path, folder: Path, purpose: str, *, fresh: bool = False,
            copy_release: bool = False) -> set[str]:
    """Create or update the scratch course `folder` for `purpose` ("demo" or "check").

    Its source/ (and release/ when asked) follow the instructor's. With `fresh`, whatever the
    previous run left is removed first. Returns the levels whose notebooks changed (a level whose
    notebooks changed must be recorded in the scratch gradebook again). A folder that exists
    without this purpose's marker is never touched: a CourseError says so.
    """
    root, folder = Path(root).resolve(), Path(folder).resolve()
    own = {root / name for name in ("source", "release", "submitted", "autograded", "feedback",
                                    "reports", "exchange")}
    if folder == root or folder in root.parents or folder in own:
        raise CourseError(f"{folder} is part of the course itself, not a place for `course {purpose}`")
    if folder.exists():
        owner = _owner(folder)
        if owner != purpose:
            made = f"made by `course {owner}`" if owner else "not made by the course"
            raise CourseError(f"{folder} exists and was {made}: `course {purpose}` keeps its own "
                              "files apart and will not write there; move that folder away")
        if fresh:
            shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SCRATCH_MARKER).write_text(purpose + "\n", encoding="utf-8")
    config = _CONFIG.format(purpose=purpose, root=root, config=str(root / CONFIG_FILE))
    target = folder / CONFIG_FILE
    if not target.is_file() or target.read_text(encoding="utf-8") != config:
        target.write_text(config, encoding="utf-8")
    changed = _sync_tree(root / "source", folder / "source")
    if copy_release:
        _sync_tree(root / "release", folder / "release")
    return changed
