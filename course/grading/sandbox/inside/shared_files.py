"""Files the two kernels of a graded notebook share, by permissions (no capability involved).

In grading, each notebook has one shared folder (`COURSE_SHARED_DIR`): owned by root, group
"shared" (the learner and grader kernels' uids are its only members), mode 3770 (setgid: what is
made inside belongs to that group; sticky: nobody removes or renames another uid's entries). Both
kernels run with umask 007, so files and folders made with default modes are read and written by
the other kernel and by nobody else (the executor, the services, other jobs).

`tempfile` makes its files 0600 and its folders 0700 on purpose; `share_temporary_files` widens
what it makes to the umask's modes, so that:

- a test's `tempfile.mkdtemp()` / `mkstemp()` (the grader's temp folder is the shared one) is a
  folder the learner's code can write into, or a file it can fill;
- learner code that writes atomically (`mkstemp` in the target's folder, then `os.replace`, as
  the course teaches) leaves a file the test can read back.

The grader kernel widens only what it makes in the shared folder (the rest of its files stay its
own); the learner side widens everything (its own folders are private anyway). A learner process
that undoes this only keeps its own files from the tests. The grader holds no capability: a file
the learner made unreadable, or a symlink to a file the grader uid cannot read, fails the test
that reads it. Standard library only (it runs first in both kernels and in fresh processes).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from typing import Any

SHARED_ENV = "COURSE_SHARED_DIR"
#: A folder private to the kernel (the grader's own files: nothing the learner can write).
PRIVATE_ENV = "COURSE_PRIVATE_TMP"


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _widen(path: str | bytes, fd: int | None, folder: bool) -> None:
    """The mode a plain mkdir/open would have given (setgid of a folder kept)."""
    keep = os.stat(path).st_mode & stat.S_ISGID if folder else 0
    mode = ((0o777 if folder else 0o666) & ~_umask()) | keep
    if fd is not None:
        os.fchmod(fd, mode)
    else:
        os.chmod(path, mode)


def _inside(path: str | bytes, folder: str | None) -> bool:
    if folder is None:
        return True
    real = os.path.realpath(os.fsdecode(path))
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def share_temporary_files(only_under: str | None = None) -> None:
    """Make `tempfile`'s files and folders (under `only_under`, or everywhere) umask-mode ones."""
    folder = os.path.realpath(only_under) if only_under else None
    make_file: Callable[..., Any] = getattr(tempfile._mkstemp_inner, "__wrapped__",
                                            tempfile._mkstemp_inner)
    make_folder: Callable[..., Any] = getattr(tempfile.mkdtemp, "__wrapped__", tempfile.mkdtemp)

    def mkstemp_inner(*args: Any, **kwargs: Any) -> Any:
        fd, name = make_file(*args, **kwargs)
        if _inside(name, folder):
            _widen(name, fd, folder=False)
        return fd, name

    def mkdtemp(*args: Any, **kwargs: Any) -> Any:
        name = make_folder(*args, **kwargs)
        if _inside(name, folder):
            _widen(name, None, folder=True)
        return name

    mkstemp_inner.__wrapped__ = make_file  # type: ignore[attr-defined]
    mkdtemp.__wrapped__ = make_folder  # type: ignore[attr-defined]
    tempfile._mkstemp_inner = mkstemp_inner  # type: ignore[attr-defined]
    tempfile.mkdtemp = mkdtemp


def grader_setup() -> None:
    """In the grader kernel: temp files in the shared folder, made so the learner can use them."""
    shared = os.environ.get(SHARED_ENV)
    if shared:
        tempfile.tempdir = shared
        share_temporary_files(only_under=shared)


def learner_setup() -> None:
    """On the learner side (its kernel, its fresh processes): temp files the tests can read."""
    if os.environ.get(SHARED_ENV):
        share_temporary_files()


def private_folder(prefix: str) -> str:
    """A new folder only this process's uid can use: the grader's own, when grading."""
    return tempfile.mkdtemp(prefix=prefix, dir=os.environ.get(PRIVATE_ENV) or None)
