"""The Python that every account's server and kernel run: the course's own environment.

Other accounts must be able to run it, interpreter included: a virtual environment built on a
Python inside root's or someone's home folder (pyenv, conda) is out of their reach even when the
environment itself is not. Then the hub refuses to start and says which folder blocks the way
(a thin environment on the system's Python was tried: its older patch release of the same minor
version mis-parses the regular expressions of packages the course pins, so it is no option).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from ..config import CourseError


def blocking_folder(path: Path) -> Path | None:
    """The first folder on the way to `path` that other accounts cannot enter, or None."""
    real = Path(os.path.realpath(path))
    for folder in reversed([real, *real.parents] if real.is_dir() else list(real.parents)):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return None


def hub_python() -> Path:
    """The course environment's interpreter, once every account can run it."""
    for what, path in (("the course's Python environment", Path(sys.prefix)),
                       ("the course's Python interpreter", Path(sys.executable)),
                       ("the course's Python installation", Path(sys.base_prefix) / "lib")):
        folder = blocking_folder(path)
        if folder is not None:
            raise CourseError(
                f"{what} ({os.path.realpath(path)}) is under {folder}, which other accounts cannot "
                f"enter, so learners' servers could not start: build .venv from a Python installed "
                f"where every account can run it (e.g. /usr/local or /opt), or `chmod o+x {folder}` "
                f"(other accounts can then open what it holds by name)")
    return Path(sys.executable)
