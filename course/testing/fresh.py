"""Run a function in a brand-new Python process (own hash seed) and get plain data back."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import cloudpickle

from course.testing._child import PAYLOAD, RESULT
from course.testing.plain import decode_plain

log = logging.getLogger(__name__)

# The child first takes the parent's sys.path, so that everything importable here (the course
# package, a learner's helper module next to the notebook) is importable there.
_BOOTSTRAP = (
    "import json, sys\n"
    "d = sys.argv[1]\n"
    "p = json.load(open(d + '/sys_path.json'))\n"
    "sys.path[:] = p + [e for e in sys.path if e not in p]\n"
    "from course.testing._child import main\n"
    "main(d)\n"
)
_MAX_SEED = 4294967295
_STDERR_TAIL = 500


class FreshProcessError(AssertionError):
    """The function failed, crashed or ran too long in the fresh Python process."""


def _seed_text(hashseed: int | str) -> str:
    if isinstance(hashseed, bool):
        raise ValueError("hashseed must be an int in 0..4294967295 or 'random', not a bool")
    text = str(hashseed).strip()
    if text == "random" or (text.isdigit() and int(text) <= _MAX_SEED):
        return text
    raise ValueError(f"hashseed must be an int in 0..4294967295 or 'random', not {hashseed!r}")


def _name(fn: Any) -> str:
    return str(getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or "the function")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # the child leads its own process group: this also ends anything the learner's code started
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _stderr_tail(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()[-_STDERR_TAIL:]
    except OSError:
        return ""


def run_in_fresh_process(
    fn: Any, *args: Any, hashseed: int | str = 12345, timeout: float = 120.0, **kwargs: Any
) -> Any:
    """Call fn(*args, **kwargs) in a new sys.executable with PYTHONHASHSEED=hashseed.

    The result is turned into plain data in the child (to_plain) and comes back as JSON, so no
    object made by learner code is ever unpickled here. Functions from __main__ or from modules
    that are not importable (a notebook, code exec'd in a dict) travel by value (cloudpickle).
    In grading (course.boundary.services.run_in_fresh_process), a learner or library function
    runs in a fresh process the learner's kernel starts; a function the test defines runs in the
    grader against a fresh learner endpoint, and none of its code leaves the grader.
    """
    seed = _seed_text(hashseed)
    from course.testing.remote import grader_connection

    conn = grader_connection()
    if conn is not None:  # grading: the learner's side starts the process, as the learner
        from course.boundary import services

        return services.run_in_fresh_process(conn, fn, args, kwargs, seed, timeout)
    if os.environ.get("PYTHONHASHSEED") == seed:
        log.info("PYTHONHASHSEED=%s is also this process's seed: the child hashes alike", seed)
    name = _name(fn)
    try:
        payload = cloudpickle.dumps((fn, args, kwargs))
    except Exception as exc:
        raise FreshProcessError(
            f"{name} could not be sent to a fresh Python process: it refers to something that "
            f"cannot be copied ({type(exc).__name__}: {exc})"
        ) from None
    with tempfile.TemporaryDirectory(prefix="course-fresh-") as tmp:
        workdir = Path(tmp)
        (workdir / PAYLOAD).write_bytes(payload)
        (workdir / "sys_path.json").write_text(json.dumps([str(p) for p in sys.path]))
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
        # stdout/stderr go to files: the learner's prints cannot break the protocol, reach
        # nbgrader's stderr check, or block on a full pipe
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP, tmp],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=os.getcwd(),
                env=env,
                start_new_session=True,
            )
        timed_out = False
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(proc)  # also on KeyboardInterrupt (nbgrader's cell timeout)
        result_path = workdir / RESULT
        if not result_path.exists():
            if timed_out:
                raise FreshProcessError(
                    f"{name} ran longer than {timeout:g} s in a fresh Python process and was "
                    "stopped; look for an endless loop or a wait that never ends"
                )
            tail = _stderr_tail(err_path)
            log.debug("fresh process stderr:\n%s", tail)
            last = tail.splitlines()[-1] if tail else ""
            raise FreshProcessError(
                f"{name} crashed the fresh Python process (exit code {proc.returncode})"
                + (f": {last}" if last else "")
            )
        outcome = json.loads(result_path.read_text(encoding="utf-8"))
    return _unpack(outcome, name)


def _unpack(outcome: dict[str, Any], name: str) -> Any:
    if outcome.get("ok") is True:
        return decode_plain(outcome["value"])
    error = f"{outcome.get('type')}: {outcome.get('message')}"
    stage = outcome.get("stage")
    if stage == "load":
        raise FreshProcessError(f"{name} could not be loaded in a fresh Python process ({error})")
    if stage == "convert":
        raise FreshProcessError(
            f"{name} returned something that is not plain data in a fresh Python process ({error})"
        )
    raise FreshProcessError(f"{name} failed in a fresh Python process: {error}")
