"""Service URLs given by users: the grading queue's Redis and the gradebook database.

Two services, two settings: COURSE_REDIS_URL is the Redis the notebooks use (their hidden tests
call flushdb() on it, see course.services); COURSE_QUEUE_URL (`--queue-url`) is the Redis of the
RQ grading queue. They must never be the same database. Passwords in any URL are masked in
whatever the course prints (`redact`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .config import CourseError

#: The notebooks' Redis (course.services.embedded_redis reads it).
NOTEBOOK_REDIS_ENV = "COURSE_REDIS_URL"
#: The Redis of the RQ grading queue (`course grade --backend rq`, `course worker`).
QUEUE_URL_ENV = "COURSE_QUEUE_URL"

REDIS_SCHEMES = ("redis", "rediss", "unix")

_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<secret>[^@/\s]+)@")
_QUERY_SECRET = re.compile(r"(?P<key>[?&](?:password|passwd|pwd|token)=)[^&\s]+", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with the password of every URL in it replaced by ***."""
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", str(text))
    return _QUERY_SECRET.sub(lambda m: f"{m['key']}***", text)


def check_redis_url(url: str, origin: str = "--queue-url") -> str:
    """The URL itself when it names a Redis server; a CourseError saying what is wrong otherwise."""
    url = (url or "").strip()
    shown = redact(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise CourseError(f"{origin} {shown} is not a valid Redis URL ({exc}): use "
                          "redis://[:PASSWORD@]HOST[:PORT][/DB]") from None
    if parts.scheme not in REDIS_SCHEMES:
        raise CourseError(f"{origin} {shown} is not a Redis URL: use redis://[:PASSWORD@]HOST"
                          "[:PORT][/DB] (rediss:// for TLS, unix:///path for a socket)")
    if parts.scheme != "unix" and not parts.hostname:
        raise CourseError(f"{origin} {shown} names no host: use redis://[:PASSWORD@]HOST[:PORT][/DB]")
    if port == 0:
        raise CourseError(f"{origin} {shown}: port 0 is not a port (1 to 65535)")
    db = parts.path.strip("/")
    if parts.scheme != "unix" and db and not db.isdigit():
        raise CourseError(f"{origin} {shown}: the database after the last / must be a number, "
                          f"not {db!r}")
    return url


def same_redis(a: str, b: str) -> bool:
    """Whether two Redis URLs name the same database of the same server."""
    def key(url: str) -> tuple:
        parts = urlsplit(url.strip())
        db = parts.path.strip("/") if parts.scheme != "unix" else ""
        host = (parts.hostname or "").lower()
        host = "127.0.0.1" if host in {"localhost", "::1"} else host
        return (parts.scheme == "unix" and parts.path, host, parts.port or 6379, int(db or 0))

    try:
        return key(a) == key(b)
    except ValueError:
        return False


def check_db_url(url: str, origin: str = "--db-url") -> str:
    """The gradebook URL, normalized, when the course can use it; a CourseError otherwise."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from .config import normalize_db_url

    shown = redact(url)
    try:
        parsed = make_url(normalize_db_url(url))
        port = parsed.port
    except (ArgumentError, ValueError) as exc:
        raise CourseError(f"{origin} {shown} is not a database URL ({redact(str(exc))}): use "
                          "postgresql://USER@HOST/DATABASE (a password after USER:) or sqlite:////path/to/gradebook.db"
                          ) from None
    if parsed.drivername not in {"postgresql+psycopg", "sqlite"}:
        raise CourseError(f"{origin} {shown}: the gradebook must be PostgreSQL (postgresql://...) or "
                          f"SQLite (sqlite:///...), not {parsed.drivername}")
    if port is not None and not 0 < port < 65536:
        raise CourseError(f"{origin} {shown}: port {port} is not a port (1 to 65535)")
    if parsed.drivername == "postgresql+psycopg" and not parsed.database:
        raise CourseError(f"{origin} {shown} names no database: postgresql://USER@HOST/DATABASE")
    return normalize_db_url(url)
