"""Services across the boundary: what a test asks the learner's side to do for it.

Learner side (`LEARNER_SERVICES`, run in the learner kernel by `LearnerSide.do_service`):
serve a Flask app on the loopback, run a function in a fresh process (as the learner's uid),
pickle an object and hand back its bytes, capture a logger's records, list live threads, call
a library function on learner objects (`course.testing.on_learner`). Grader side: the functions below that `course.testing` calls
when the grader kernel is attached. Every answer is decoded strictly; nothing is unpickled in
the grader.
"""

from __future__ import annotations

import io
import itertools
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_apps: dict[int, Any] = {}
_captures: dict[int, Any] = {}
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


def _fresh(conn: Any, fn: Any, payload: bytes | None, args: list[Any], kwargs: dict[str, Any],
           hashseed: Any, timeout: float) -> Any:
    from course.boundary.learner import _Unpickler
    from course.testing.fresh import run_in_fresh_process

    if payload is not None:
        fn = _Unpickler(io.BytesIO(payload), conn).load()
    return run_in_fresh_process(fn, *args, hashseed=hashseed, timeout=timeout, **kwargs)


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
    "serve_app": _serve_app, "stop_app": _stop_app, "fresh": _fresh, "pickled": _pickled,
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
                         hashseed: Any, timeout: float) -> Any:
    """fn (a learner function, or the test's own) runs in a fresh process started by the learner side."""
    from course.boundary.proxies import is_proxy

    payload = None
    if not is_proxy(fn):
        payload = _pickle_by_value(conn, fn)
        fn = None
    return call(conn, "fresh", fn, payload, list(args), kwargs, hashseed, timeout)


def _pickle_by_value(conn: Any, fn: Any) -> bytes:
    import cloudpickle

    class Pickler(cloudpickle.Pickler):
        def persistent_id(self, obj: Any) -> Any:  # learner objects stay references
            ident = conn.proxy_id(obj)
            return ("r", ident) if ident is not None else None

    buffer = io.BytesIO()
    Pickler(buffer, protocol=5).dump(fn)
    return buffer.getvalue()


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

