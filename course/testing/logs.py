"""capture_logs: a logger's records, captured where the code under test runs, as plain data.

    with capture_logs("pipeline") as logs:
        run_pipeline(raw, out)
    messages = [r.getMessage() for r in logs.records]

In one process (a learner's own kernel, `check()`), a handler on the logger; in grading, the
same handler on the learner's side, with the records sent over as plain data (`LogRecordData`:
the usual LogRecord attributes, the message already formatted, extra fields as plain values or
their repr). `logs.records` is read fresh on every access; `logs.clear()` forgets what was seen.
"""

from __future__ import annotations

import logging
from typing import Any

from course.testing.plain import to_plain

#: The attributes every LogRecord has (anything else a record carries is an "extra" field).
STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 1, "x", None, None))) | {
    "message", "asctime", "taskName"}
_KEPT = ("name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
         "lineno", "funcName", "created", "msecs", "thread", "threadName", "process",
         "exc_text", "message")
_MAX_TEXT = 5_000


def _plain_or_repr(value: Any) -> Any:
    try:
        return to_plain(value)
    except TypeError:
        try:
            return repr(value)[:_MAX_TEXT]
        except Exception:  # noqa: BLE001 -- a value whose repr fails
            return f"<{type(value).__name__}>"


def record_to_plain(record: logging.LogRecord) -> dict[str, Any]:
    """A LogRecord as plain data (made where the record was logged)."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 -- a format string that does not match its args
        message = str(record.msg)
    data: dict[str, Any] = {}
    for key, value in vars(record).items():
        if key in STANDARD and key not in _KEPT:
            continue
        if key == "args":
            args = value if isinstance(value, tuple) else (value,) if value is not None else ()
            data[key] = [_plain_or_repr(a) for a in args]
        elif key == "msg":
            data[key] = str(value)[:_MAX_TEXT]
        else:
            data[key] = _plain_or_repr(value)
    data["message"] = str(message)[:_MAX_TEXT]
    data["exc_text"] = str(record.exc_text)[:_MAX_TEXT] if record.exc_text else None
    return data


class LogRecordData:
    """A log record as plain data: r.levelno, r.getMessage(), r.args, vars(r) for extra fields."""

    def __init__(self, data: dict[str, Any]) -> None:
        for key, value in data.items():
            if isinstance(key, str) and key.isidentifier() and not key.startswith("__"):
                setattr(self, key, value)
        args = getattr(self, "args", [])
        self.args = tuple(args) if isinstance(args, list | tuple) else ()
        for key in ("message", "msg"):
            if not isinstance(getattr(self, key, None), str):
                setattr(self, key, "")
        if not isinstance(getattr(self, "levelno", None), int):
            self.levelno = 0

    def getMessage(self) -> str:  # noqa: N802 -- LogRecord's own name
        return self.message

    def __repr__(self) -> str:
        return f"<LogRecordData {getattr(self, 'levelname', '?')} {self.message[:60]!r}>"


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.kept: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.kept.append(record)


class LocalCapture:
    """A handler on a logger of this process (the logger set to `level`, enabled, restored after)."""

    def __init__(self, name: str, level: int = logging.DEBUG) -> None:
        self.logger = logging.getLogger(name)
        self.level = level
        self.handler = _Keep()

    def start(self) -> None:
        self.saved = (self.logger.level, self.logger.disabled, self.logger.propagate)
        self.logger.addHandler(self.handler)
        self.logger.setLevel(self.level)
        self.logger.disabled = False

    def plain_records(self) -> list[dict[str, Any]]:
        return [record_to_plain(r) for r in list(self.handler.kept)]

    def clear(self) -> None:
        self.handler.kept.clear()

    def stop(self) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.saved[0])
        self.logger.disabled = self.saved[1]
        self.logger.propagate = self.saved[2]


class LogCapture:
    """What `capture_logs` yields: `records` (read on each access) and `clear()`."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    @property
    def records(self) -> list[LogRecordData]:
        return [LogRecordData(d) for d in self._backend.plain_records()]

    def clear(self) -> None:
        self._backend.clear()

    def __enter__(self) -> LogCapture:
        self._backend.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._backend.stop()


def capture_logs(name: str, level: int = logging.DEBUG) -> LogCapture:
    """Capture the records of logger `name` where the learner's code runs (see the module docstring)."""
    from course.testing.remote import grader_connection

    conn = grader_connection()
    if conn is None:
        return LogCapture(LocalCapture(name, level))
    from course.boundary.services import RemoteCapture

    return LogCapture(RemoteCapture(conn, name, level))
