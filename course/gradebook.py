"""Every read and write of the course gradebook (the database nbgrader and formgrader share).

Opening it: one SQLAlchemy engine per database (`gradebook_engine`; nbgrader's Gradebook on it,
`gradebook_at`), `open_gradebook(root)` for one use, and `shared_gradebook(root)` for a grading run
(one Gradebook per thread, SQLite in WAL mode) with `one_transaction` around each job's writes.
Reading and writing it: the rest of the package asks in plain data (dataclasses, dicts of str and
float) and never holds an nbgrader ORM object: which grades are manual, a level's instructor
cells, what a submission scored, what an instructor wrote in formgrader, and recording's own
writes (a regrade's reset, the zeros of flags and notebooks that did not run). Besides these, only
nbgrader's own code writes the gradebook, on a Gradebook opened here: its converters
(`nbgrader_app.nbgrader_api`) and the scoring steps recording runs (`course.grading.steps`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbgrader.api import Grade, Gradebook, MissingEntry, TaskCell
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import scoped_session, sessionmaker
from sqlalchemy.pool import NullPool
from traitlets.config import Config

from .config import CourseError, load_config
from .nbgrader_app import ensure_tools_on_path

if TYPE_CHECKING:
    from .coursedir import Flag

log = logging.getLogger(__name__)

__all__ = ["GradeRow", "Submission", "add_students", "course_config", "dispose_engines",
           "drop_engine",
           "export_rows", "grade_by_hand", "gradebook_at", "gradebook_engine", "is_manual",
           "level_cells", "level_names", "one_transaction", "open_gradebook", "reset_grades",
           "run_memo", "set_due_dates", "shared_book", "shared_gradebook", "submission", "use_wal",
           "zero_grades"]


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
    A commit waits for the disk (SQLite's and PostgreSQL's defaults): grading.json, which lets a
    later run skip the pair, is written after it, so a power cut never leaves a skipped pair
    whose scores the gradebook lost.
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


def _keep_open(book: Gradebook) -> Any:
    """An idle connection to a SQLite gradebook for a run's duration, or None.

    A SQLite connection is opened per transaction (no pool); when the last one to a WAL database
    closes, SQLite checkpoints the WAL into the database and removes it, which costs a few disk
    flushes per graded job. With this connection open, checkpoints happen as the WAL grows.
    """
    if book.engine.dialect.name != "sqlite" or book.engine.url.database in (None, "", ":memory:"):
        return None
    try:
        return book.engine.raw_connection()
    except Exception:  # noqa: BLE001 -- only an optimisation
        log.debug("could not keep the gradebook open", exc_info=True)
        return None


@contextmanager
def shared_gradebook(root: Path) -> Iterator[Gradebook]:
    """One Gradebook (and one reading of the configuration) for every open_gradebook(root) call of
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
    keeper = _keep_open(book)
    try:
        yield book
    finally:
        del books[key]
        book.close()
        if keeper is not None:
            keeper.close()


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
def open_gradebook(root: Path) -> Iterator[Gradebook]:
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


def is_manual(grade: Grade) -> bool:
    """Whether a person grades it in formgrader: a written answer (markdown) or a task cell.

    The one place this rule is written: recording resets these for an instructor, and reports
    count them only once an instructor has graded them.
    """
    return isinstance(grade.cell, TaskCell) or grade.cell.cell_type == "markdown"


@dataclass(frozen=True)
class GradeRow:
    """One graded cell of a submitted notebook."""

    name: str  # the grade_id
    score: float  # nbgrader's score: the manual score when there is one, else the autograded one
    max_score: float
    manual: bool  # graded by a person (is_manual)
    needs_manual_grade: bool
    manual_score: float | None


@dataclass(frozen=True)
class Submission:
    """A learner's submission of one level, as the gradebook holds it."""

    timestamp: datetime | None  # naive UTC, as nbgrader keeps it
    duedate: datetime | None
    late_penalty: float
    notebooks: dict[str, tuple[GradeRow, ...]]  # notebook name -> its grades, in gradebook order
    comments: dict[str, str] = field(default_factory=dict)  # grade_id -> formgrader's comment


def submission(root: Path, level: str, learner: str) -> Submission | None:
    """The learner's submission of `level`, or None when the gradebook has none."""
    with open_gradebook(root) as gb:
        try:
            sub = gb.find_submission(level, learner)
        except MissingEntry:
            return None
        notebooks = {}
        comments = {}
        for nb in sub.notebooks:
            notebooks[nb.name] = tuple(
                GradeRow(name=g.name, score=float(g.score or 0.0), max_score=float(g.max_score or 0.0),
                         manual=is_manual(g), needs_manual_grade=bool(g.needs_manual_grade),
                         manual_score=None if g.manual_score is None else float(g.manual_score))
                for g in nb.grades)
            comments.update({c.name: c.manual_comment for c in nb.comments if c.manual_comment})
        return Submission(timestamp=sub.timestamp, duedate=sub.duedate,
                          late_penalty=float(sub.late_submission_penalty or 0.0),
                          notebooks=notebooks, comments=comments)


def level_cells(root: Path, level: str) -> dict[str, dict]:
    """Per notebook of the level, the instructor's cells as the gradebook recorded them:
    `graded` and `tasks` (grade_id -> max score), `solutions` (grade_ids) and `sources`
    (grade_id -> cell_type, locked, checksum)."""
    info: dict[str, dict] = {}
    with open_gradebook(root) as gb:
        for nb in gb.find_assignment(level).notebooks:
            info[nb.name] = {
                "graded": {c.name: float(c.max_score) for c in nb.grade_cells},
                "tasks": {c.name: float(c.max_score) for c in nb.task_cells},
                "solutions": {c.name for c in nb.solution_cells},
                "sources": {c.name: {"cell_type": c.cell_type, "locked": bool(c.locked),
                                     "checksum": c.checksum} for c in nb.source_cells},
            }
    return info


def level_names(root: Path) -> set[str]:
    """The levels (nbgrader assignments) the gradebook knows."""
    with open_gradebook(root) as gb:
        return {a.name for a in gb.assignments}


def add_students(root: Path, people: Iterable[tuple[str, str]]) -> None:
    """Create or update each (learner id, full name) as an nbgrader student."""
    with open_gradebook(root) as gb:
        for learner, name in people:
            first, _, last = name.partition(" ")
            gb.update_or_create_student(learner, first_name=first or None, last_name=last or None)


def set_due_dates(root: Path, dates: dict[str, datetime]) -> None:
    """Write each level's due date (aware or naive UTC) into the gradebook."""
    with open_gradebook(root) as gb:
        for level, when in dates.items():
            gb.update_or_create_assignment(level, duedate=when.replace(tzinfo=None))  # naive UTC


def grade_by_hand(root: Path, learner: str, level: str, grade_id: str, points: float,
                  comment: str) -> None:
    """What an instructor does in formgrader: a manual score and a comment on one cell."""
    with open_gradebook(root) as gb:
        try:
            sub = gb.find_submission(level, learner)
        except MissingEntry:
            return
        for nb in sub.notebooks:
            for grade in nb.grades:
                if grade.name == grade_id:
                    grade.manual_score = points
                    grade.needs_manual_grade = False
            for note in nb.comments:
                if note.name == grade_id:
                    note.manual_comment = comment
        gb.db.commit()


def reset_grades(root: Path, level: str, learner: str, submitted_at: str | None) -> None:
    """Before a regrade: the submission exists, every autograded score and comment is cleared,
    and written answers wait for a person again (their manual scores are kept)."""
    with open_gradebook(root) as gb:
        gb.update_or_create_student(learner)
        kwargs = {"timestamp": submitted_at} if submitted_at else {}
        submission = gb.update_or_create_submission(level, learner, **kwargs)
        for nb_sub in submission.notebooks:
            for grade in nb_sub.grades:
                grade.auto_score = None
                if is_manual(grade):
                    grade.needs_manual_grade = True  # a person grades (or re-checks) it
                else:
                    grade.manual_score = None
                    grade.extra_credit = None
                    grade.needs_manual_grade = False
            for comment in nb_sub.comments:
                comment.auto_comment = None
        gb.db.commit()


def zero_grades(root: Path, level: str, learner: str, not_run: Iterable[str],
                flags: Iterable[Flag]) -> None:
    """After scoring: every grade of a notebook that did not run, and each flagged criterion, is 0."""
    with open_gradebook(root) as gb:
        for name in not_run:
            try:
                nb_sub = gb.find_submission_notebook(name, level, learner)
            except MissingEntry:
                continue
            for grade in nb_sub.grades:
                grade.auto_score = 0.0
                grade.needs_manual_grade = False
        for f in flags:
            if not f.get("criterion"):
                continue
            try:
                grade = gb.find_grade(f["criterion"], f["notebook"], level, learner)
            except MissingEntry:
                continue
            grade.auto_score = 0.0
            grade.manual_score = None
            grade.needs_manual_grade = False
        gb.db.commit()


def export_rows(root: Path) -> list[dict]:
    """One row per (level, learner) of the gradebook with the values `nbgrader export` writes."""
    rows = []
    with open_gradebook(root) as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            for student in sorted(gb.students, key=lambda s: s.id):
                row = {"assignment": assignment.name, "duedate": assignment.duedate,
                       "student_id": student.id, "last_name": student.last_name,
                       "first_name": student.first_name, "email": student.email,
                       "max_score": assignment.max_score}
                try:
                    sub = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                else:
                    penalty = sub.late_submission_penalty or 0.0
                    row.update(timestamp=sub.timestamp, raw_score=sub.score,
                               late_submission_penalty=penalty,
                               score=max(0.0, (sub.score or 0.0) - penalty))
                rows.append(row)
    return rows


def drop_engine(url: str) -> None:
    """Forget the kept engine of `url` (a scratch gradebook that is about to be removed)."""
    with _ENGINES_LOCK:
        engine = _ENGINES.pop(url, None)
        if engine is not None:
            _CHECKED.discard(engine)
            engine.dispose()
