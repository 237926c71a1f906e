"""The Python that every account's server and kernel run: the course's own environment.

Other accounts must be able to run it. A virtual environment built on a Python inside root's or
someone's home folder (pyenv, conda) is out of their reach even when the environment itself is
not: then a thin environment is made on a Python of the same version that every account can run
(the system's), seeing the course environment's packages (`site.addsitedir`), with the course's
commands (`course`, `nbgrader`, `jupyter`...) beside it. Same files, same versions: only the
interpreter binary differs, which CPython keeps compatible within a minor version.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

from ..config import CourseError
from .prepare import hub_dir

VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


def reachable(path: Path) -> bool:
    """Whether an account that is neither owner nor in the group can reach `path`."""
    path = Path(os.path.realpath(path))
    for folder in reversed(path.parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    return os.path.exists(path) and bool(os.stat(path).st_mode & stat.S_IROTH)


def environment() -> dict[str, Path]:
    """The course environment's folders the servers need (data, configuration, packages)."""
    prefix = Path(sys.prefix)
    return {"bin": Path(sys.executable).parent, "data": prefix / "share" / "jupyter",
            "config": prefix / "etc" / "jupyter",
            "site": Path(sysconfig.get_paths()["purelib"])}


def hub_python(root: Path) -> Path:
    """The interpreter of every account's server: the course's when all can run it, else a shim."""
    here = Path(sys.executable)
    if reachable(here) and reachable(Path(sys.base_prefix) / "lib"):
        return here
    if not reachable(Path(sys.prefix)):
        raise CourseError(f"the course's Python environment {sys.prefix} is out of other "
                          "accounts' reach: put the course on a path every account can traverse")
    base = next((p for p in (Path(f"/usr/bin/python{VERSION}"), Path(f"/usr/local/bin/python{VERSION}"))
                 if p.is_file() and reachable(p)), None)
    if base is None:
        raise CourseError(f"the course's Python ({os.path.realpath(here)}) is out of other accounts' "
                          f"reach and this machine has no python{VERSION} they can run: build .venv "
                          f"from a Python every account can run (`make PYTHON=/usr/bin/python{VERSION}`)")
    shim = hub_dir(root) / "python"
    python = shim / "bin" / "python"
    if not python.exists():
        subprocess.run([str(base), "-m", "venv", "--without-pip", str(shim)], check=True,
                       capture_output=True)
    env = environment()
    site = shim / "lib" / f"python{VERSION}" / "site-packages"
    _write(site / "course-environment.pth", f"import site; site.addsitedir({str(env['site'])!r})\n")
    for script in env["bin"].iterdir():  # the course's commands, on the shim's interpreter
        _copy_script(script, shim / "bin", python)
    for item in [shim, *shim.rglob("*")]:
        if not item.is_symlink():
            mode = stat.S_IMODE(os.lstat(item).st_mode)
            os.chmod(item, mode | stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0))
    return python


def _write(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def _copy_script(script: Path, bindir: Path, python: Path) -> None:
    if script.is_symlink() or not script.is_file() or (bindir / script.name).exists():
        return
    try:
        first, rest = script.read_text().split("\n", 1)
    except (UnicodeDecodeError, ValueError):
        return  # a binary, not a script
    if first.startswith("#!") and Path(first[2:].strip()).parent == script.parent:
        (bindir / script.name).write_text(f"#!{python}\n{rest}")
        os.chmod(bindir / script.name, 0o755)
