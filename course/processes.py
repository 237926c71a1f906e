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

#: Signals that ask a course process to stop: it unwinds (temporary folders are removed, children
#: stopped) instead of dying on the spot.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Signalled(BaseException):
    """SIGTERM or SIGHUP arrived (raised by the handlers of `raise_on_signals`)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_signalled(signum: int, _frame) -> None:  # noqa: ANN001 -- a signal handler
    raise Signalled(signum)


def raise_on_signals() -> dict:
    """Make STOP_SIGNALS raise Signalled in the main thread; the previous handlers, to restore.

    Outside the main thread (where handlers cannot be set) nothing changes.
    """
    previous = {}
    for sig in STOP_SIGNALS:
        try:
            previous[sig] = signal.signal(sig, _raise_signalled)
        except ValueError:
            break
    return previous


def restore_signals(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


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
