"""Running nbgrader's own converters on the course folder, with the course's configuration."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from .config import CourseError, load_config

log = logging.getLogger(__name__)


def ensure_tools_on_path() -> None:
    """nbgrader runs the `alembic` command of its own environment: put that environment on PATH.

    `.venv/bin/course` works without an activated venv, so PATH may not have it.
    """
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def nbgrader_api(root: Path, overrides: Config | None = None, **dirs: str) -> NbGraderAPI:
    """An NbGraderAPI on the course folder; `dirs` overrides CourseDirectory paths (e.g. a temp release)."""
    ensure_tools_on_path()
    if "db_url" not in dirs:
        # nbgrader reports a database it cannot reach as "BACK UP your database and run `nbgrader
        # db upgrade`": open it first, for a message that names the real problem.
        from .gradebook import open_gradebook

        with open_gradebook(root):
            pass
    config = load_config(root)
    Path(config.Exchange.root).mkdir(parents=True, exist_ok=True)
    if overrides is not None:
        config.merge(overrides)
    for name, value in dirs.items():
        setattr(config.CourseDirectory, name, value)
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    # nbgrader logs every copied file at INFO; its warnings still reach our log.
    api.log.setLevel(logging.WARNING)
    return api


def run(result: dict, what: str) -> str:
    """The captured log of an nbgrader API call; a CourseError with nbgrader's reason when it failed."""
    if not result.get("success"):
        detail = (result.get("error") or "").strip().splitlines()
        reason = detail[-1] if detail else "unknown error"
        log.debug("nbgrader %s failed:\n%s\n%s", what, result.get("log", ""), result.get("error", ""))
        raise CourseError(f"nbgrader could not {what}: {reason}")
    return result.get("log", "")
