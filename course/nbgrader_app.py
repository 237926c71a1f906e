"""Running nbgrader's own converters on the course folder, with the course's configuration."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import scoped_session, sessionmaker
from sqlalchemy.pool import NullPool
from traitlets.config import Config

from .config import CourseError, load_config

log = logging.getLogger(__name__)


def ensure_tools_on_path() -> None:
    """nbgrader runs the `alembic` command of its own environment: put that environment on PATH.

    `.venv/bin/course` works without an activated venv, so PATH may not have it.
    """
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def nbgrader_api(root: Path, overrides: Config | None = None, **dirs: str) -> NbGraderAPI:
    """An NbGraderAPI on the course folder; `dirs` overrides CourseDirectory paths (e.g. a temp release)."""
    ensure_tools_on_path()
    if "db_url" not in dirs:
        # nbgrader reports a database it cannot reach as "BACK UP your database and run `nbgrader
        # db upgrade`": open it first, for a message that names the real problem.
        with gradebook(root):
            pass
    config = load_config(root)
    Path(config.Exchange.root).mkdir(parents=True, exist_ok=True)
    if overrides is not None:
        config.merge(overrides)
    for name, value in dirs.items():
        setattr(config.CourseDirectory, name, value)
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    # nbgrader logs every copied file at INFO; its warnings still reach our log.
    api.log.setLevel(logging.WARNING)
    return api


def run(result: dict, what: str) -> str:
    """The captured log of an nbgrader API call; a CourseError with nbgrader's reason when it failed."""
    if not result.get("success"):
        detail = (result.get("error") or "").strip().splitlines()
        reason = detail[-1] if detail else "unknown error"
        log.debug("nbgrader %s failed:\n%s\n%s", what, result.get("log", ""), result.get("error", ""))
        raise CourseError(f"nbgrader could not {what}: {reason}")
    return result.get("log", "")


class _EngineGradebook(Gradebook):
    """nbgrader's Gradebook on an engine of `gradebook_engine` (nbgrader builds one per Gradebook).

    What nbgrader.api.Gradebook.__init__ (0.9.6) does after building its engine, except the
    schema check (creating the tables, stamping alembic's version), which gradebook_at has
    nbgrader do once per engine. close() ends the session and keeps the shared engine.
    """

    def __init__(self, engine: Engine, course_id: str) -> None:  # noqa: D107
        self.engine = engine
        self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
        try:
            self.check_course(course_id=course_id)
        except BaseException:
            self.db.remove()
            raise
        self.course_id = course_id
        self.authenticator = None

    def close(self) -> None:
        self.db.remove()


_ENGINES: dict[str, Engine] = {}
_CHECKED: set[Engine] = set()  # engines whose database nbgrader has checked the schema of
_ENGINES_LOCK = threading.Lock()


def gradebook_engine(url: str) -> Engine:
    """The SQLAlchemy engine of the gradebook at `url`, built once per process and database.

    nbgrader builds an engine, and checks the schema, for every Gradebook it opens (48 ms on
    SQLite, against 4 ms on a kept engine). This engine has the course's options: SQLite without
    a pool (a connection per session, as nbgrader's disposed engines give, and no file kept
    open), PostgreSQL with its pool and a ping before a connection is reused (a coordinator runs
    for hours). Options that need SQL on each new connection belong to a `connect` listener on
    this engine (sqlalchemy.event.listen(engine, "connect", ...)), never to nbgrader's module.
    """
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            sqlite = make_url(url).get_backend_name() == "sqlite"
            options = {"poolclass": NullPool} if sqlite else {"pool_pre_ping": True}
            engine = _ENGINES[url] = create_engine(url, echo=False, future=True, **options)
        return engine


def gradebook_at(url: str, course_id: str) -> Gradebook:
    """nbgrader's Gradebook for `course_id` at `url`, on the database's kept engine.

    nbgrader's own Gradebook checks the schema (creating the tables and stamping alembic's
    version in a new database) the first time, and again whenever the database lost its tables
    (a gradebook deleted and created anew at the same path).
    """
    ensure_tools_on_path()  # nbgrader runs `alembic` when it creates a database
    if make_url(url).database in (None, "", ":memory:") and url.startswith("sqlite"):
        return Gradebook(url, course_id)  # a private database per engine: nothing to keep
    engine = gradebook_engine(url)
    with _ENGINES_LOCK:
        checked = engine in _CHECKED
    if checked:
        try:
            return _EngineGradebook(engine, course_id)
        except SQLAlchemyError:
            log.debug("the gradebook at %s lost its tables: nbgrader checks it again", url,
                      exc_info=True)
    with Gradebook(url, course_id):  # nbgrader's schema check (a real error is raised here)
        pass
    with _ENGINES_LOCK:
        _CHECKED.add(engine)
    return _EngineGradebook(engine, course_id)


def dispose_engines() -> None:
    """Close the kept engines' pooled connections (a long-lived process that is done grading)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
        _CHECKED.clear()


def _open(root: Path, config: Config) -> Gradebook:
    """A new Gradebook on the course database; a CourseError naming it when it cannot be opened."""
    from sqlalchemy.exc import SQLAlchemyError

    from .urls import redact

    ensure_tools_on_path()
    url = config.CourseDirectory.db_url
    try:
        return gradebook_at(url, config.CourseDirectory.course_id)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise CourseError(f"cannot open the gradebook at {redact(url)}: "
                          f"{redact(reason[0]) if reason else type(exc).__name__}") from None


@dataclass
class _Shared:
    config: Config
    book: Gradebook
    memo: dict = field(default_factory=dict)


#: root -> the Gradebook this thread shares while `shared_gradebook(root)` is open.
_local = threading.local()


def _shared(root: Path) -> _Shared | None:
    return getattr(_local, "books", {}).get(Path(root).resolve())


def course_config(root: Path) -> Config:
    """The course's configuration: the shared run's copy while one is open, else read afresh."""
    shared = _shared(root)
    return shared.config if shared else load_config(root)


def run_memo(root: Path) -> dict | None:
    """A dict that lives as long as this thread's `shared_gradebook(root)`, for what a run reads
    once (a level's cells); None outside one."""
    shared = _shared(root)
    return shared.memo if shared else None


def shared_book(db_url: str) -> Gradebook | None:
    """This thread's shared Gradebook on `db_url`, if `shared_gradebook` opened one."""
    for shared in getattr(_local, "books", {}).values():
        if shared.config.CourseDirectory.db_url == db_url:
            return shared.book
    return None


def use_wal(book: Gradebook) -> None:
    """Put a SQLite gradebook in WAL mode, once (the mode is stored in the database file).

    Readers (formgrader, reports) then never wait for the grader's writes, nor it for them.
    Left as it is when another connection holds the database (it is retried at the next run).
    """
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    if book.engine.dialect.name != "sqlite" or book.engine.url.database in (None, "", ":memory:"):
        return
    try:
        with book.engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            if str(mode).lower() != "wal":
                conn.execute(text("PRAGMA journal_mode=WAL"))
                log.info("gradebook %s now in WAL mode", book.engine.url.database)
    except OperationalError:
        log.info("gradebook busy: WAL mode not set this time", exc_info=True)


@contextmanager
def shared_gradebook(root: Path) -> Iterator[Gradebook]:
    """One Gradebook (and one reading of the configuration) for every gradebook(root) call of
    this thread until the block ends, instead of one per call: a grading run opens it per thread.
    """
    key = Path(root).resolve()
    books = _local.__dict__.setdefault("books", {})
    if key in books:
        yield books[key].book
        return
    config = load_config(root)
    book = _open(root, config)
    use_wal(book)
    books[key] = _Shared(config, book)
    try:
        yield book
    finally:
        del books[key]
        book.close()


class _DeferredCommits:
    """nbgrader's Gradebook commits after every change (some 64 times per graded level); inside
    `one_transaction` a commit only sends the changes (a flush). Unlike a commit, a flush does not
    expire what was loaded: a computed score read after its grades changed must be expired first
    (`shared_steps.SharedAssignLatePenalties` does)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def commit(self) -> None:
        self._session.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


@contextmanager
def one_transaction(book: Gradebook) -> Iterator[Gradebook]:
    """Every change made through `book` (nbgrader's own calls included) in one database transaction:
    committed when the block ends, rolled back when it raises. Not reentrant."""
    session = book.db
    book.db = _DeferredCommits(session)
    try:
        yield book
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        book.db = session


@contextmanager
def gradebook(root: Path) -> Iterator[Gradebook]:
    """The course gradebook (the same database nbgrader and formgrader read).

    Inside `shared_gradebook(root)` (same thread) it is the shared one, left open. A database that
    cannot be reached or opened is a CourseError naming it (password masked).
    """
    shared = _shared(root)
    if shared is not None:
        yield shared.book
        return
    with _open(root, load_config(root)) as gb:
        yield gb
