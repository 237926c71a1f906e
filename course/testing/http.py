"""Serve a WSGI (Flask) app on a real local HTTP server and talk JSON to it with urllib."""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

_quiet_lock = threading.Lock()
_quiet_depth = 0
_saved_level = logging.NOTSET
_JOIN_TIMEOUT_S = 5.0

# No proxies: HTTP(S)_PROXY in the environment must not send 127.0.0.1 traffic elsewhere.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@contextmanager
def _quiet_werkzeug() -> Iterator[None]:
    """Silence werkzeug's request log (it writes to stderr, which nbgrader scores as a failure).

    Nested or overlapping servers share one counter, so the level comes back when the last ends.
    """
    global _quiet_depth, _saved_level
    logger = logging.getLogger("werkzeug")
    with _quiet_lock:
        if _quiet_depth == 0:
            _saved_level = logger.level
            logger.setLevel(logging.ERROR)
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                logger.setLevel(_saved_level)


@contextmanager
def serve_app(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve app on host at an ephemeral port in a thread; yield its base URL.

    In grading, an app made by the learner's code is served by the learner's kernel (on the
    sandbox's loopback) and the test talks to it over real HTTP all the same.
    """
    from course.testing.remote import grader_connection, is_learner_object

    conn = grader_connection()
    if conn is not None and is_learner_object(app):
        from course.boundary import services

        with services.serve_app(conn, app, host) as url:
            yield url
        return
    from werkzeug.serving import make_server

    with _quiet_werkzeug():
        server = make_server(host, 0, app, threaded=True)
        url = f"http://{host}:{server.server_port}"
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll interval
            name=f"serve_app {url}",
            daemon=True,
        )
        thread.start()
        log.debug("serving %r at %s", app, url)
        try:
            yield url
        finally:
            server.shutdown()  # returns once serve_forever has left its loop
            thread.join(_JOIN_TIMEOUT_S)
            server.server_close()
            log.debug("stopped serving at %s", url)


class _Headers(dict[str, str]):
    """Response headers with case-insensitive lookup (keys are stored lower-case)."""

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)


def _headers(message: Any) -> _Headers:
    out = _Headers()
    for key, value in message.items():
        key = key.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def _parse_json(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def http_json(
    method: str,
    url: str,
    payload: Any = None,
    *,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float = 10,
) -> tuple[int, Any, dict[str, str]]:
    """Send a request; return (status, parsed JSON body or None, headers). 4xx/5xx do not raise.

    payload is sent as JSON; data as raw bytes instead (for malformed or oversized bodies).
    """
    if payload is not None and data is not None:
        raise ValueError("give either payload (sent as JSON) or data (raw bytes), not both")
    all_headers = {"Accept": "application/json"}
    if payload is not None:
        data = json.dumps(payload).encode("utf-8")
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, headers=all_headers, method=method.upper())
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, _parse_json(response.read()), _headers(response.headers)
    except urllib.error.HTTPError as exc:  # 4xx/5xx are answers, not failures
        with exc:
            return exc.code, _parse_json(exc.read()), _headers(exc.headers)
    except (TimeoutError, urllib.error.URLError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if not isinstance(reason, TimeoutError):
            raise  # e.g. connection refused: the test's set-up is wrong, not the learner's app
        path = urlsplit(url).path or "/"
        raise AssertionError(f"{method.upper()} {path} got no answer within {timeout:g} s") from exc
