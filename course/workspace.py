"""The learner's workspace: their own copy of release/, made and kept up to date without loss.

`workspace/` (in the course folder, git-ignored) is where a self-paced learner works; `course lab`
opens JupyterLab on it. It is created from release/, and each later sync compares the release with
what was copied last time (recorded in workspace/.course-sync.json):

- a notebook new to the learner is copied in;
- a notebook the learner has not changed (byte for byte what was copied) follows the release;
- a notebook the learner changed stays as it is, and a newer release of it is offered beside it,
  in workspace/<level>/new-release/<notebook> (never over a file the learner edited there).

Learners of an older version of the course worked in release/ itself: a release notebook that
holds work (answers written, outputs saved) seeds the workspace as it is, so nothing is lost.
Nothing else of the course writes into the workspace.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from .config import CourseError
from .notebooks import NotebookError, read_notebook, shows_learner_work

log = logging.getLogger(__name__)

FOLDER = "workspace"
STATE_FILE = ".course-sync.json"
OFFER_FOLDER = "new-release"
#: Recorded as the base of a copy that started from someone's work, not from a clean release:
#: no hash equals it, so such a copy is never treated as untouched.
FROM_WORK = "learner-work"


@dataclass
class SyncReport:
    """What a sync did, as paths relative to the workspace."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)
    kept_from_release: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.added:
            out.append(f"added to your workspace: {', '.join(self.added)}")
        if self.kept_from_release:
            out.append("your work found in release/ was copied into your workspace: "
                       + ", ".join(self.kept_from_release))
        if self.updated:
            out.append(f"updated (you had not changed them): {', '.join(self.updated)}")
        if self.offered:
            out.append("a newer version of a notebook you changed is beside it, yours is untouched: "
                       + ", ".join(self.offered))
        if self.blocked:
            out.append("a newer version could not be offered because you edited the earlier offer "
                       f"(rename it to receive the new one): {', '.join(self.blocked)}")
        return out


def workspace_dir(root: Path) -> Path:
    return Path(root) / FOLDER


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load_state(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s (%s): every changed notebook is kept", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet (never replaces anything)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as fh:
        fh.write(data)


def _worked_on(path: Path) -> bool:
    try:
        return shows_learner_work(read_notebook(path))
    except NotebookError:
        return True  # cannot tell: treat it as someone's work


def sync(root: Path) -> SyncReport:
    """Create or update the learner's workspace from release/ (see the module docstring)."""
    root = Path(root)
    release = root / "release"
    releases = sorted(release.glob("level*/*.ipynb"))
    if not releases:
        raise CourseError(f"{release} holds no notebooks: there is nothing to work on yet")
    ws = workspace_dir(root)
    ws.mkdir(exist_ok=True)
    state_path = ws / STATE_FILE
    state = _load_state(state_path)
    bases: dict = state.setdefault("release", {})
    offers: dict = state.setdefault("offered", {})
    report = SyncReport()
    for src in releases:
        rel = src.relative_to(release).as_posix()
        data = src.read_bytes()
        new = _digest(data)
        mine = ws / rel
        base = bases.get(rel)
        if not mine.exists():
            from_work = base is None and _worked_on(src)
            _write_new(mine, data)
            bases[rel] = FROM_WORK if from_work else new
            (report.kept_from_release if from_work else report.added).append(rel)
            continue
        if base == new:
            continue
        current = _digest(mine.read_bytes())
        if current == new:
            bases[rel] = new
        elif base is not None and current == base:
            mine.write_bytes(data)  # exactly what the course put there: nothing of theirs is lost
            bases[rel] = new
            report.updated.append(rel)
        elif offers.get(rel) != new:
            offer = mine.parent / OFFER_FOLDER / mine.name
            if offer.exists():
                existing = _digest(offer.read_bytes())
                if existing not in {offers.get(rel), new}:
                    report.blocked.append(rel)
                    continue
                offer.unlink()
            _write_new(offer, data)
            offers[rel] = new
            report.offered.append(offer.relative_to(ws).as_posix())
    text = json.dumps(state, indent=2, sort_keys=True) + "\n"
    if not state_path.is_file() or state_path.read_text(encoding="utf-8") != text:
        state_path.write_text(text, encoding="utf-8")
    return report
