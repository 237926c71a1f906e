"""Services across the boundary: what a test asks the learner's side to do for it.

Learner side (`LEARNER_SERVICES`, run in the learner kernel by `LearnerSide.do_service`):
serve a Flask app on the loopback, run a function in a fresh process (as the learner's uid),
start a fresh learner endpoint (`endpoint.py`) for a test's function to run against,
pickle an object and hand back its bytes, capture a logger's records, list live threads, call
a library function on learner objects (`course.testing.on_learner`). Grader side: the functions below that `course.testing` calls
when the grader kernel is attached. Every answer is decoded strictly; nothing is unpickled in
the grader.
"""

from __future__ import annotations

import itertools
import logging
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)
_apps: dict[int, Any] = {}
_captures: dict[int, Any] = {}
_endpoints: dict[int, Any] = {}
_counter = itertools.count(1)

# ---------------------------------------------------------------- learner side


def _serve_app(conn: Any, app: Any, host: str = "127.0.0.1") -> dict[str, Any]:
    from course.testing.http import serve_app

    context = serve_app(app, host)
    url = context.__enter__()
    ident = next(_counter)
    _apps[ident] = context
    return {"id": ident, "url": url}


def _stop_app(conn: Any, ident: int) -> None:
    context = _apps.pop(ident, None)
    if context is not None:
        context.__exit__(None, None, None)


def _fresh(conn: Any, fn: Any, args: list[Any], kwargs: dict[str, Any], hashseed: Any,
           timeout: float) -> Any:
    """A learner function (or a library function named by module and qualname) in a fresh process."""
    from course.testing.fresh import run_in_fresh_process

    return run_in_fresh_process(fn, *args, hashseed=hashseed, timeout=timeout, **kwargs)


def _fresh_endpoint(conn: Any, address: str, names: list[str], hashseed: str) -> int:
    """Start a fresh learner endpoint (course.boundary.endpoint) serving these names of the notebook."""
    import json
    import os
    import subprocess
    import sys
    import tempfile
    import types

    import cloudpickle

    here = conn.namespace.get("__name__", "__main__")
    defined = [key for key, value in list(conn.namespace.items())  # the notebook's own definitions,
               if isinstance(value, type | types.FunctionType)  # as pickle finds them there
               and getattr(value, "__module__", None) == here and not key.startswith("_")]
    shipped = {}
    for name in dict.fromkeys([*names, *defined]):
        if name in conn.namespace:
            try:  # what cannot be copied to another process is left out (a NameError there)
                cloudpickle.dumps(conn.namespace[name])
            except Exception:  # noqa: BLE001
                continue
            shipped[name] = conn.namespace[name]
    from course.boundary.endpoint import ADDRESS, BOOTSTRAP, NAMES

    workdir = tempfile.mkdtemp(prefix="course-endpoint-")
    with open(os.path.join(workdir, NAMES), "wb") as f:
        f.write(cloudpickle.dumps(shipped))
    with open(os.path.join(workdir, ADDRESS), "w") as f:
        json.dump(address, f)
    with open(os.path.join(workdir, "sys_path.json"), "w") as f:
        json.dump([str(p) for p in sys.path], f)
    with open(os.path.join(workdir, "stderr.txt"), "wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", BOOTSTRAP, workdir], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err, cwd=os.getcwd(),
                                env=dict(os.environ, PYTHONHASHSEED=str(hashseed)),
                                start_new_session=True)
    ident = next(_counter)
    _endpoints[ident] = (proc, workdir)
    return ident


def _fresh_endpoint_exit(conn: Any, ident: int) -> Any:
    """None while the endpoint runs; else its exit code and the end of its stderr."""
    import os

    proc, workdir = _endpoints[ident]
    if proc.poll() is None:
        return None
    try:
        with open(os.path.join(workdir, "stderr.txt"), errors="replace") as f:
            tail = f.read()[-500:]
    except OSError:
        tail = ""
    return {"code": proc.returncode, "stderr": tail}


def _fresh_endpoint_stop(conn: Any, ident: int) -> None:
    import os
    import shutil
    import signal

    proc, workdir = _endpoints.pop(ident, (None, None))
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # and whatever learner code started there
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
    shutil.rmtree(workdir, ignore_errors=True)


def _pickled(conn: Any, obj: Any, protocol: int = 5) -> bytes:
    return pickle.dumps(obj, protocol=protocol)


def _logs_start(conn: Any, name: str, level: int) -> int:
    from course.testing.logs import LocalCapture

    capture = LocalCapture(name, level)
    capture.start()
    ident = next(_counter)
    _captures[ident] = capture
    return ident


def _logs_read(conn: Any, ident: int, clear: bool = False) -> list[dict[str, Any]]:
    capture = _captures[ident]
    out = capture.plain_records()
    if clear:
        capture.clear()
    return out


def _logs_clear(conn: Any, ident: int) -> None:
    _captures[ident].clear()


def _logs_stop(conn: Any, ident: int) -> None:
    capture = _captures.pop(ident, None)
    if capture is not None:
        capture.stop()


def _threads(conn: Any) -> list[int]:
    from course.testing.threads import local_thread_ids

    return sorted(local_thread_ids())


def redis_client_like(connection_class: type, connection_kwargs: dict[str, Any]) -> Any:
    """A new Redis client with another client's connection settings (how a test's client crosses)."""
    import redis

    return redis.Redis(connection_pool=redis.ConnectionPool(connection_class=connection_class,
                                                            **connection_kwargs))


def _keep(conn: Any, obj: Any) -> Any:
    from course.boundary.codec import Handle

    return Handle(obj)


def _apply(conn: Any, fn: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return fn(*args, **kwargs)


LEARNER_SERVICES: dict[str, Callable[..., Any]] = {
    "serve_app": _serve_app, "stop_app": _stop_app, "fresh": _fresh, "fresh_endpoint": _fresh_endpoint,
    "fresh_endpoint_exit": _fresh_endpoint_exit, "fresh_endpoint_stop": _fresh_endpoint_stop,
    "pickled": _pickled,
    "logs_start": _logs_start, "logs_read": _logs_read, "logs_clear": _logs_clear,
    "logs_stop": _logs_stop, "threads": _threads, "keep": _keep, "apply": _apply,
}

# ---------------------------------------------------------------- grader side


def call(conn: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    return conn.request("service", name=name, args=list(args), kw=kwargs)


@contextmanager
def serve_app(conn: Any, app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """The learner side serves app (a learner object) on the loopback; yields its URL."""
    served = call(conn, "serve_app", app, host)
    if type(served) is not dict or type(served.get("url")) is not str or type(served.get("id")) is not int:
        raise AssertionError("the learner's notebook could not serve the app")
    url = served["url"]
    if not url.startswith(f"http://{host}:"):
        raise AssertionError("the learner's notebook served the app somewhere else than the loopback")
    try:
        yield url
    finally:
        call(conn, "stop_app", served["id"])


def run_in_fresh_process(conn: Any, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
                         hashseed: str, timeout: float) -> Any:
    """fn(*args, **kwargs) "in a fresh Python process", without any test code crossing.

    A learner function, or a library function (sent by module and qualname), runs in a fresh
    process the learner side starts. A function the test defines runs here, in the grader,
    against a fresh learner endpoint: the learner names it reads are proxies of a new learner
    process (its own hash seed, the notebook's definitions shipped there by value).
    """
    import types

    from course.boundary.proxies import is_proxy

    if is_proxy(fn) or not conn._stays_here(fn):
        return call(conn, "fresh", fn, list(args), kwargs, hashseed, timeout)
    if not isinstance(fn, types.FunctionType):
        raise TypeError("run_in_fresh_process runs a function: one of the learner's notebook, a "
                        f"library function, or a function the test defines (not a {type(fn).__name__})")
    return _run_against_fresh_endpoint(conn, fn, args, kwargs, hashseed, timeout)


def _names_read(code: Any) -> set[str]:
    """The global names a code object (and the functions defined in it) reads."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names_read(const)
    return names


def _run_against_fresh_endpoint(conn: Any, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
                                hashseed: str, timeout: float) -> Any:
    import secrets
    import socket
    import time
    import types

    from course.boundary.grader import GraderSide
    from course.testing.fresh import FreshProcessError, _name
    from course.testing.plain import decode_plain, encode_plain, to_plain

    name = _name(fn)
    names = sorted(_names_read(fn.__code__) & set(conn.names))
    deadline = time.monotonic() + timeout
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    address = f"\0course-endpoint-{secrets.token_hex(16)}"  # abstract: no file, no mode to get wrong
    listener.bind(address)
    listener.listen(1)
    listener.settimeout(0.2)
    since = _boot_ticks()
    ident = call(conn, "fresh_endpoint", address, names, hashseed)
    fresh: GraderSide | None = None
    try:
        sock = _accept(conn, listener, ident, deadline, name, timeout, since)
        fresh = GraderSide(sock, conn.namespace, names)
        fresh.deadline = deadline
        values = fresh.values(names)
        namespace = dict(fn.__globals__)
        for key in names:  # the learner's names are the fresh process's, or not defined at all
            namespace.pop(key, None)
            if key in values:
                namespace[key] = values[key]
        here = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
        here.__kwdefaults__ = fn.__kwdefaults__
        try:
            result = here(*args, **kwargs)
        except TimeoutError:
            raise FreshProcessError(f"{name} ran longer than {timeout:g} s in a fresh Python process "
                                    "and was stopped; look for an endless loop or a wait that never "
                                    "ends") from None
        except AssertionError:
            raise
        except Exception as exc:
            raise FreshProcessError(f"{name} failed in a fresh Python process: "
                                    f"{type(exc).__name__}: {exc}") from None
        try:
            return decode_plain(encode_plain(to_plain(result)))
        except (TypeError, ValueError) as exc:
            raise FreshProcessError(f"{name} returned something that is not plain data in a fresh "
                                    f"Python process ({type(exc).__name__}: {exc})") from None
    finally:
        if fresh is not None:
            fresh.close()
        listener.close()
        try:
            call(conn, "fresh_endpoint_stop", ident)
        except Exception:  # noqa: BLE001 -- the learner side may be gone; the sandbox ends it then
            pass


def _boot_ticks() -> int | None:
    """Now, in clock ticks since boot (the unit of a process's start time in /proc/PID/stat)."""
    import os

    try:
        with open("/proc/uptime") as f:
            return int(float(f.read().split()[0]) * os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _started_before_request(sock: Any, since: int | None) -> bool:
    """Whether the peer process (by SO_PEERCRED, from the kernel) started before `since`.

    The fresh endpoint must be a process made for this request, not the learner's kernel (or any
    process of its) answering in its place. Where Linux's /proc cannot tell, nothing is refused.
    """
    import socket
    import struct

    if since is None or not hasattr(socket, "SO_PEERCRED"):
        return False
    try:
        pid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                  struct.calcsize("3i")))[0]
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        started = int(stat[stat.rindex(")") + 2:].split()[19])  # field 22: starttime
    except (OSError, ValueError, IndexError, struct.error):
        log.warning("could not tell when the fresh endpoint's process started")
        return False
    return started < since - 2  # two ticks: /proc/uptime is rounded to 10 ms


def _accept(conn: Any, listener: Any, ident: Any, deadline: float, name: str, timeout: float,
            since: int | None) -> Any:
    """The fresh endpoint's connection, or FreshProcessError if it ended or never came."""
    import time

    from course.testing.fresh import FreshProcessError

    checked = time.monotonic()
    while True:
        try:
            sock, _ = listener.accept()
        except TimeoutError:
            pass
        else:
            sock.settimeout(None)
            if _started_before_request(sock, since):
                sock.close()
                raise FreshProcessError(f"{name}: the process that answered was not a new Python "
                                        "process (it was running before the test asked for one)")
            return sock
        now = time.monotonic()
        if now >= deadline:
            raise FreshProcessError(f"{name}: a fresh Python process did not start within {timeout:g} s")
        if now - checked >= 0.5:
            checked = now
            ended = call(conn, "fresh_endpoint_exit", ident)
            if ended is not None:
                tail = str(ended.get("stderr", "")).strip() if type(ended) is dict else ""
                last = tail.splitlines()[-1] if tail else ""
                raise FreshProcessError(f"{name}: the fresh Python process stopped before it could "
                                        "run (the notebook's definitions could not be loaded there)"
                                        + (f": {last}" if last else ""))


def pickled_bytes(conn: Any, obj: Any, protocol: int = 5) -> bytes:
    data = call(conn, "pickled", obj, protocol)
    if type(data) is not bytes:
        raise AssertionError("the learner's notebook did not answer with the pickled bytes")
    return data


class RemoteCapture:
    """A logger's records captured on the learner side, read as plain data."""

    def __init__(self, conn: Any, name: str, level: int) -> None:
        self.conn, self.name, self.level = conn, name, level
        self.ident: int | None = None

    def start(self) -> None:
        ident = call(self.conn, "logs_start", self.name, self.level)
        if type(ident) is not int:
            raise AssertionError("the learner's notebook could not capture its log records")
        self.ident = ident

    def plain_records(self) -> list[dict[str, Any]]:
        data = call(self.conn, "logs_read", self.ident)
        if type(data) is not list or not all(type(d) is dict for d in data):
            raise AssertionError("the learner's notebook answered with malformed log records")
        return data

    def clear(self) -> None:
        call(self.conn, "logs_clear", self.ident)

    def stop(self) -> None:
        if self.ident is not None:
            call(self.conn, "logs_stop", self.ident)


def thread_ids(conn: Any) -> set[int]:
    ids = call(conn, "threads")
    if type(ids) is not list or not all(type(i) is int for i in ids):
        raise AssertionError("the learner's notebook answered with malformed thread ids")
    return set(ids)

