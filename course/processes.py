"""Child processes that never outlive the course process that started them."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGKILL) -> Callable[[], None] | None:
    """A preexec_fn that sends the child `signum` when this process dies (Linux), or None.

    The signal is tied to the thread that forks: fork from a thread that lives as long as the
    process (the main thread, or a dedicated one as course.services does).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # resolved before fork: no dlopen in the child
        prctl = libc.prctl
    except (OSError, AttributeError):
        log.info("prctl unavailable: a child may outlive a killed course process")
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signum)

    return preexec


def children() -> list[int]:
    """The pids of this process's direct children (Linux /proc; [] where it cannot tell)."""
    me, found = os.getpid(), []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
        except OSError:
            continue
        # the second field, (comm), may hold spaces: ppid is the second field after it
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(me):
            found.append(int(entry))
    return found


def kill_children() -> None:
    """SIGKILL every child of this process and its process group (how an interrupted run stops
    the grading jobs it started, each in a session of its own)."""
    for pid in children():
        for kill in (lambda p: os.killpg(p, signal.SIGKILL), lambda p: os.kill(p, signal.SIGKILL)):
            try:
                kill(pid)
                break
            except (ProcessLookupError, PermissionError):
                continue
