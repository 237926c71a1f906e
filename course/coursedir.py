"""The course folder: where each artefact lives, the per-learner lock, and the grading record.

The one place code asks where things are (new code uses these, rather than joining paths itself):

    source/<level>/                       the instructor's notebooks
    release/<level>/                      what learners get
    submitted/<learner>/<level>/          what a learner handed in (timestamp.txt beside it)
    autograded/<learner>/<level>/         the graded notebooks and grading.json (GradingRecord)
    autograded/.locks/<learner>.lock      held while a learner is graded (learner_lock)
    feedback/<learner>/[<level>/]         feedback pages and the learner's report

A grading result replaces autograded/<learner>/<level>/ in one rename: it is written to a staging
folder beside it (new_staging) and swapped in (swap_in); a killed run leaves only hidden staging
or old folders, which clean_stale removes under the learner's lock.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

log = logging.getLogger(__name__)

SOURCE = "source"
RELEASE = "release"
SUBMITTED = "submitted"
AUTOGRADED = "autograded"
FEEDBACK = "feedback"
GRADING_JSON = "grading.json"
LOCKS = ".locks"


def source(root: Path, level: str) -> Path:
    return Path(root) / SOURCE / level


def release(root: Path, level: str) -> Path:
    return Path(root) / RELEASE / level


def submitted(root: Path, learner: str, level: str) -> Path:
    return Path(root) / SUBMITTED / learner / level


def autograded(root: Path, learner: str, level: str | None = None) -> Path:
    """autograded/<learner>/, or autograded/<learner>/<level>/ with a level."""
    folder = Path(root) / AUTOGRADED / learner
    return folder / level if level else folder


def feedback(root: Path, learner: str, level: str | None = None) -> Path:
    """feedback/<learner>/, or feedback/<learner>/<level>/ with a level."""
    folder = Path(root) / FEEDBACK / learner
    return folder / level if level else folder


def grading_json(root: Path, learner: str, level: str) -> Path:
    return autograded(root, learner, level) / GRADING_JSON


# --- the per-learner lock ----------------------------------------------------------------------

@contextmanager
def learner_lock(root: Path, learner: str) -> Iterator[None]:
    """Hold the learner's lock file (blocks while another run grades this learner)."""
    folder = Path(root) / AUTOGRADED / LOCKS
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{learner}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- staging and swapping an autograded folder -------------------------------------------------

def new_staging(root: Path, learner: str, level: str) -> Path:
    """An empty staging folder for autograded/<learner>/<level>/, private to this thread."""
    folder = autograded(root, learner)
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{level}.staging-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    return staging


def swap_in(staging: Path, dest: Path) -> None:
    """Put a finished staging folder in the place of `dest` (the previous result goes)."""
    old = dest.parent / f".{dest.name}.old-{os.getpid()}-{threading.get_ident()}"
    if dest.exists():
        dest.rename(old)
    staging.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def clean_stale(root: Path, level: str, learner: str) -> None:
    """Leftovers of a killed run for this learner (call with the learner's lock held)."""
    folder = autograded(root, learner)
    for stale in [*folder.glob(f".{level}.staging-*"), *folder.glob(f".{level}.old-*")]:
        shutil.rmtree(stale, ignore_errors=True)


# --- grading.json ------------------------------------------------------------------------------

class Flag(TypedDict):
    """An integrity or scoring flag: the criterion it zeroes (None: the notebook as a whole)."""

    criterion: str | None
    notebook: str
    message: str


@dataclass(frozen=True)
class GradingRecord:
    """autograded/<learner>/<level>/grading.json: what the last grading of a level found.

    The only code that reads or writes that file. Reading is tolerant: a missing or unreadable
    file gives the empty record, and a field of the wrong type its empty value.
    """

    graded_at: str = ""  # ISO 8601 UTC, "" when unknown
    seconds: float = 0.0  # how long the job took
    flags: tuple[Flag, ...] = ()
    errors: Mapping[str, str] = field(default_factory=dict)  # notebook -> why it did not run
    isolation: tuple[str, ...] = ()  # the limits that were in force
    missing: tuple[str, ...] = ()  # the limits that could not be enforced
    submitted_at: str | None = None  # when the graded attempt was handed in
    #: What grading read (course.grading.prepare.fingerprint); None when a notebook failed to run.
    fingerprint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {"graded_at": self.graded_at, "seconds": self.seconds, "flags": list(self.flags),
                "errors": dict(self.errors), "isolation": list(self.isolation),
                "missing": list(self.missing), "submitted_at": self.submitted_at}
        if self.fingerprint:
            data["fingerprint"] = self.fingerprint
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GradingRecord:
        def listed(key: str) -> list:
            value = data.get(key)
            return value if isinstance(value, list) else []

        seconds = data.get("seconds")
        errors = data.get("errors")
        return cls(
            graded_at=str(data.get("graded_at") or ""),
            seconds=float(seconds) if isinstance(seconds, int | float) else 0.0,
            flags=tuple(f for f in listed("flags") if isinstance(f, dict)),
            errors={str(k): str(v) for k, v in errors.items()} if isinstance(errors, dict) else {},
            isolation=tuple(listed("isolation")),
            missing=tuple(listed("missing")),
            submitted_at=str(data["submitted_at"]) if data.get("submitted_at") else None,
            fingerprint=str(data["fingerprint"]) if data.get("fingerprint") else None,
        )

    @classmethod
    def read(cls, root: Path, learner: str, level: str, *, quiet: bool = False) -> GradingRecord:
        """The learner's record of `level`; the empty record when there is none or it is unreadable
        (logged as a warning, unless `quiet`)."""
        path = grading_json(root, learner, level)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            (log.debug if quiet else log.warning)("ignoring unreadable %s: %s", path, exc)
            return cls()
        return cls.from_dict(data) if isinstance(data, dict) else cls()

    def write(self, folder: Path) -> Path:
        """Write it as folder/grading.json (a staging folder: see new_staging); returns the path."""
        path = Path(folder) / GRADING_JSON
        path.write_text(json.dumps(self.to_dict(), indent=1))
        return path
