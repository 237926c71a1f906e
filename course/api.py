"""The course's programmatic API: one function per `course` command, the command line's engine.

Each function takes the course folder and its settings (gradebook URL, queue URL, ...) as keyword
parameters, does the command's work and returns plain results; it never prints and never reads or
writes the environment (`course.cli` reads the user's defaults: options, COURSE_* variables).
Bad input raises course.config.CourseError, whose message is the one line the CLI shows.

    from pathlib import Path
    from course import api

    root = Path("/srv/course")
    api.release(root=root, level="level1", exchange=False)
    run = api.grade(root=root, level="level1", db_url="postgresql://grader@db/course")
    print([(r.learner, r.score) for r in run.results])

Start-up stays light: like course.cli, this module imports the course's settings only; each
function imports what it needs when it runs.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from course.config import (
    LEVELS,
    CourseError,
    check_learner_id,
    check_level,
    find_root,
    gradebook_url,
)

if TYPE_CHECKING:
    from course.exchange.collect import Collected
    from course.grading.job import JobResult
    from course.hub.run import HubPlan
    from course.lab import LabPlan
    from course.workspace import SyncReport

log = logging.getLogger(__name__)

#: The RQ queue `course grade --backend rq` feeds and `course worker` works on (rq_queue.QUEUE_NAME).
QUEUE_NAME = "course-grading"
BACKENDS = ("local", "rq")


# --- results ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Initialized:
    """What `init` recorded in the gradebook."""

    levels: int
    learners: int


@dataclass(frozen=True)
class Submitted:
    """Where a submission went, the notebooks left out (not part of the level) and those missing."""

    dest: Path
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GradePlan:
    """What `grade` is about to do, given to Progress.start before the first job."""

    pairs: list[tuple[str, str]]
    backend: str = "local"
    queue_url: str | None = None
    #: limits this machine cannot enforce (local back-end; grading.json lists what applied)
    unenforced: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.pairs)


@dataclass(frozen=True)
class DemoPlan:
    """The demo's scratch course and how many steps it reports (grading jobs, feedback, reports)."""

    course: Path
    total: int


@dataclass(frozen=True)
class GradeRun:
    """Every graded (learner, level), in the order of the plan's pairs, and the pairs skipped
    because nothing grading reads changed since they were graded (course.grading.prepare.fingerprint)."""

    results: list[JobResult]
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]


@dataclass(frozen=True)
class DemoRun:
    """The demo's scratch course and the results of every sample attempt."""

    course: Path
    results: list[JobResult]


@dataclass(frozen=True)
class Feedback:
    """The report.html written per learner, and the levels whose feedback went to the exchange."""

    written: list[Path]
    released: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Checked:
    """`check`'s result, and the private course it was graded in (its feedback/ holds the report)."""

    result: JobResult
    private: Path


class Progress(Protocol):
    """What `grade` and `demo` report as they go (the CLI draws a progress bar from it)."""

    def start(self, plan: GradePlan | DemoPlan) -> None: ...

    def advance(self, result: JobResult | None) -> None: ...

    def finish(self, results: list[JobResult]) -> None: ...


# --- checks of what callers give -----------------------------------------------------------------

def course_root(root: Path | str) -> Path:
    """The course folder `root`, resolved; a CourseError when it holds no nbgrader_config.py.

    A course shared by its instructors' group (setgid folder, deploy/jupyterhub) sets this
    process's umask to 007: what any of them, or root grading for them, writes stays writable by
    the group and closed to others.
    """
    folder = find_root(explicit=root, origin="root")
    if folder.stat().st_mode & stat.S_ISGID:
        os.umask(0o007)
    return folder


def _level(level: str | None) -> str | None:
    return None if level is None else check_level(level)


def _learner(learner: str | None) -> str | None:
    return None if learner is None else check_learner_id(learner)


def _db_url(url: str | None, origin: str = "db_url") -> str | None:
    if not url:
        return None
    from course.urls import check_db_url

    return check_db_url(url, origin)


def check_queue_url(url: str | None, origin: str = "queue_url",
                    notebook_redis_url: str | None = None) -> str | None:
    """The grading queue's Redis URL, checked, and never the notebooks' Redis (whose hidden tests
    empty it with flushdb()); None when no URL is given."""
    from course.urls import NOTEBOOK_REDIS_ENV, check_redis_url, redact, same_redis

    if not url:
        return None
    url = check_redis_url(url, origin)
    if notebook_redis_url and same_redis(url, notebook_redis_url):
        raise CourseError(
            f"{origin} {redact(url)} is the notebooks' Redis ({NOTEBOOK_REDIS_ENV}), whose hidden "
            "tests empty it with flushdb(): give the grading queue a Redis database of its own")
    return url


def reach_redis(url: str) -> None:
    """A CourseError when the Redis at `url` does not answer."""
    import redis

    from course.urls import redact

    try:
        redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=10).ping()
    except (OSError, redis.RedisError) as exc:
        raise CourseError(f"cannot reach Redis at {redact(url)}: {redact(str(exc))}") from None


# --- the commands ------------------------------------------------------------------------------

def init(*, root: Path, db_url: str | None = None) -> Initialized:
    """Create the gradebook with every level and the learners of roster.csv."""
    from course.init import init_course

    root = course_root(root)
    with gradebook_url(root, _db_url(db_url)):
        counts = init_course(root)
    return Initialized(levels=counts["levels"], learners=counts["learners"])


def release(*, root: Path, level: str | None = None, exchange: bool = True,
            db_url: str | None = None) -> list[str]:
    """Regenerate release/LEVEL (every level when None) from source/, publish it; the levels done."""
    from course.release import release as do_release

    root, level = course_root(root), _level(level)
    with gradebook_url(root, _db_url(db_url)):
        return do_release(root, level, exchange=exchange)


def collect(*, root: Path, level: str | None = None, archive: Path | None = None,
            db_url: str | None = None) -> list[Collected]:
    """Bring each learner's latest submission of `level` (every level when None) into submitted/,
    from the exchange or, with `archive`, from an LMS download (a zip of notebooks)."""
    from course.exchange.collect import collect_exchange, collect_zip

    root, level = course_root(root), _level(level)
    with gradebook_url(root, _db_url(db_url)):
        if archive is None:
            return collect_exchange(root, level)
        if level is None:
            raise CourseError("collecting a zip needs the level the download is for")
        return collect_zip(root, Path(archive), level)


def submit(*, root: Path, level: str, learner: str, from_dir: Path) -> Submitted:
    """Hand in a learner's notebooks of `level` from `from_dir` (the previous attempt is kept)."""
    from course.submit import missing_notebooks, unexpected_notebooks
    from course.submit import submit as do_submit

    root, from_dir = course_root(root), Path(from_dir)
    check_level(level)
    check_learner_id(learner)
    ignored = unexpected_notebooks(root, level, from_dir) if from_dir.is_dir() else []
    dest = do_submit(root, level, learner, from_dir)
    return Submitted(dest=dest, ignored=ignored, missing=missing_notebooks(root, level, learner))


def grade(*, root: Path, level: str | None = None, learner: str | None = None,
          workers: int | None = None, allow_reduced_isolation: bool = False,
          backend: str = "local", queue_url: str | None = None, db_url: str | None = None,
          queue_name: str = QUEUE_NAME, stale_after: float | None = None, force: bool = False,
          notebook_redis_url: str | None = None, progress: Progress | None = None) -> GradeRun:
    """Autograde every submitted (learner, level), or only `level` / `learner`, in a sandbox.

    backend "local" grades on this machine with `workers` jobs at once (default: one per CPU);
    "rq" on `course worker` processes fed through the Redis at `queue_url`, which must not be the
    notebooks' Redis (`notebook_redis_url`). `db_url` names the gradebook (default: $COURSE_DB_URL,
    else nbgrader_config.py's). `allow_reduced_isolation` grades with process limits only where
    bubblewrap cannot run. `force` regrades pairs that are unchanged since they were graded.
    Graded learners' history is recorded; pairs that could not be graded are in `failed`.
    """
    db_url = _db_url(db_url)
    queue_url = check_queue_url(queue_url, notebook_redis_url=notebook_redis_url)
    if backend not in BACKENDS:
        raise CourseError(f"unknown grading back-end {backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend == "rq" and not queue_url:
        raise CourseError("the rq back-end needs queue_url: the Redis of the grading queue, which "
                          "`course worker` listens on")
    if workers is not None and not 1 <= workers <= 256:
        raise CourseError(f"workers={workers}: grade with 1 to 256 jobs at once")
    if stale_after is not None and stale_after < 0.5:
        raise CourseError(f"stale_after={stale_after}: give workers at least 0.5 s")
    root, level, learner = course_root(root), _level(level), _learner(learner)
    isolation = "best" if allow_reduced_isolation else "sandbox"
    with gradebook_url(root, db_url):
        from course.check import ensure_registered
        from course.submit import submitted_pairs

        pairs = submitted_pairs(root, level, learner)
        if not pairs:
            raise CourseError("nothing to grade: no submission under submitted/ matches"
                              + (f" level {level}" if level else "")
                              + (f" learner {learner}" if learner else ""))
        for lvl in sorted({lvl for _, lvl in pairs}):
            ensure_registered(root, lvl)
        skipped: list[tuple[str, str]] = []
        if not force:
            from course.grading.prepare.fingerprint import split_unchanged

            pairs, skipped = split_unchanged(root, pairs)
            if not pairs:
                return GradeRun([], skipped)
        advance = progress.advance if progress is not None else None
        if backend == "rq":
            from course.grading.backends.rq.coordinator import grade_rq

            reach_redis(queue_url)
            if progress is not None:
                progress.start(GradePlan(pairs, backend, queue_url))
            results = grade_rq(root, pairs, queue_url, advance, isolation=isolation,
                               queue_name=queue_name, stale_after=stale_after)
        else:
            from course.grading import grade as do_grade
            from course.grading.sandbox.host import missing_limits, resolve_mode

            unenforced = missing_limits(resolve_mode(isolation))
            if progress is not None:
                progress.start(GradePlan(pairs, backend, None, unenforced))
            results = do_grade(root, pairs, advance, workers=workers, isolation=isolation)
        if progress is not None:
            progress.finish(results)
        from course.reports.build import record_history

        record_history(root, [r.learner for r in results if r.ok])
    return GradeRun(results, skipped)


def worker(*, queue_url: str, burst: bool = False, name: str | None = None, heartbeat: int = 10,
           queue_name: str = QUEUE_NAME, notebook_redis_url: str | None = None) -> bool:
    """Run an RQ worker that grades jobs of `grade(backend="rq")` (sandboxed, as local) until
    stopped or, with `burst`, until the queue is empty."""
    url = check_queue_url(queue_url, notebook_redis_url=notebook_redis_url)
    if not url:
        raise CourseError("a worker needs queue_url: the Redis of the grading queue that "
                          "`course grade --backend rq` feeds")
    if not 1 <= heartbeat <= 300:
        raise CourseError(f"heartbeat={heartbeat}: give 1 to 300 seconds")
    import redis

    from course.grading.backends.rq.worker import run_worker
    from course.urls import redact

    try:
        return run_worker(url, burst=burst, name=name, heartbeat=heartbeat, queue_name=queue_name)
    except (OSError, redis.RedisError) as exc:
        raise CourseError(f"cannot reach Redis at {redact(url)}: {redact(str(exc))}") from None


def feedback(*, root: Path, level: str | None = None, learner: str | None = None,
             model_answers: bool = False, release: bool = False,
             db_url: str | None = None) -> Feedback:
    """Write feedback/<learner>/ (per-notebook HTML without hidden tests, report.html/.json,
    history.json) for graded learners; with `release`, publish it to the exchange too."""
    from course.feedback import write_feedback

    root, level, learner = course_root(root), _level(level), _learner(learner)
    with gradebook_url(root, _db_url(db_url)):
        written = write_feedback(root, level, learner, model_answers=model_answers)
        if not written:
            raise CourseError("no graded submission matches: run `course grade` first")
        released: list[str] = []
        if release:
            from course.exchange.publish import release_feedback

            released = release_feedback(root, level, learner)
    return Feedback(written, released)


def report(*, root: Path, learner: str | None = None, group: str | None = None,
           cohort: bool = False, db_url: str | None = None) -> list[Path]:
    """Write a learner's, a study group's and/or the cohort's report (all of them when none is
    asked for); the files written."""
    from course.reports import build

    root, learner = course_root(root), _learner(learner)
    with gradebook_url(root, _db_url(db_url)):
        if not (learner or group or cohort):
            return build.write_all(root)
        written = []
        if learner:
            written.append(build.write_learner_report(root, learner))
        if group:
            written.append(build.write_group(root, group))
        if cohort:
            written.append(build.write_cohort(root))
        return written


def export(*, root: Path, db_url: str | None = None) -> Path:
    """Write reports/grades.csv for an LMS (nbgrader's columns plus one per criterion); its path."""
    from course.reports.build import export as do_export

    root = course_root(root)
    with gradebook_url(root, _db_url(db_url)):
        return do_export(root)


def check(*, root: Path, path: Path, learner: str = "me", level: str | None = None,
          step: Callable[[str], None] | None = None) -> Checked:
    """Grade a learner's own notebook (or level folder) with the hidden tests, in a private
    gradebook (.course/check/, or $COURSE_HOME/check/); `step(description)` as each phase starts."""
    from course.check import check as do_check
    from course.check import check_course

    root, level = course_root(root), _level(level)
    check_learner_id(learner)
    result = do_check(root, Path(path), learner, level, step=step)
    return Checked(result, check_course(root))


def lab(*, root: Path, port: int = 8888, open_browser: bool = True, instructor: bool = False,
        db_url: str | None = None, on_sync: Callable[[SyncReport], None] | None = None,
        on_start: Callable[[LabPlan], None] | None = None) -> int:
    """Run JupyterLab on 127.0.0.1 until it stops; its exit code (128 + N after signal N).

    Learners get their workspace/ (synced from release/ first: `on_sync(report)`), instructors
    the course folder with formgrader. `on_start(plan)` is called just before JupyterLab starts.
    """
    from course.lab import check_port, plan
    from course.lab import run as run_lab

    root = course_root(root)
    if not 1 <= port <= 65535:
        raise CourseError(f"port {port} is not a port (1 to 65535)")
    check_port(port)
    if instructor:
        from course.check import ensure_registered
        from course.config import available_levels

        with gradebook_url(root, _db_url(db_url)):
            for lvl in available_levels(root):
                ensure_registered(root, lvl)  # formgrader lists the levels from the gradebook
    else:
        from course.workspace import sync

        synced = sync(root)
        if on_sync is not None:
            on_sync(synced)
    run = plan(root, port, not open_browser, instructor)
    if on_start is not None:
        on_start(run)
    return run_lab(run)


def hub(*, root: Path, port: int = 8000, demo: bool = False, learners: tuple[str, ...] = (),
        instructors: tuple[str, ...] = ()) -> HubPlan:
    """Prepare JupyterHub for the course on 127.0.0.1 (accounts, groups, its config) and return
    what to run: the caller starts it (`course hub` replaces its own process with it)."""
    from course.hub.run import plan

    root = course_root(root)
    for account in (*learners, *instructors):
        check_learner_id(account)
    if not 1 <= port <= 65535:
        raise CourseError(f"port {port} is not a port (1 to 65535)")
    return plan(root, port, demo=demo, learners=tuple(learners), instructors=tuple(instructors))


def demo(*, root: Path, progress: Progress | None = None) -> DemoRun:
    """Grade a sample cohort in demo/, a scratch course of its own rebuilt on each run, and write
    its reports; the course at `root` is never touched."""
    from course.demo import demo_course, demo_steps, run_demo

    course = demo_course(course_root(root))
    if progress is not None:
        progress.start(DemoPlan(course, demo_steps(course)))
    results = run_demo(course, progress.advance if progress is not None else None)
    if progress is not None:
        progress.finish(results)
    return DemoRun(course, results)


__all__ = ["LEVELS", "Checked", "CourseError", "DemoPlan", "DemoRun", "Feedback", "GradePlan",
           "GradeRun", "Initialized", "Progress", "Submitted", "check", "check_queue_url",
           "collect", "course_root", "demo", "export", "feedback", "grade", "hub", "init", "lab",
           "reach_redis", "release", "report", "submit", "worker"]
