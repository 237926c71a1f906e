"""The coordinator's own work (reading submissions into jobs, writing results) on several cores.

With remote grading (course.grading.remote) the coordinator's work per job is small: the
learner's lock, the fingerprint, reading the submission and the learner's kept values, putting
the notebooks in Redis; then reading the worker's files back, a few SQL statements and the folder
swap. In the coordinator's one thread it still caps how many workers it can feed, so
`CoordinatorPool` runs both in processes forked from a fork server (the grading code imported
once), each with its own shared gradebook and Redis connection; the coordinator's thread only
moves small dicts between them and RQ. The learner lock is held in the process doing the work, as
in local grading. SQLite (WAL) lets one process write at a time and the others wait for it;
PostgreSQL takes the transactions side by side.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from functools import cache
from pathlib import Path

from course.grading.job import JobResult

log = logging.getLogger(__name__)

#: Jobs per process below which the pool is not worth starting it (a process imports for ~1 s).
MIN_JOBS_PER_PROCESS = 8
_stack = ExitStack()


def pool_size(n_jobs: int, processes: int | None = None) -> int:
    """Processes for `n_jobs` jobs: one per CPU by default; 0 (work in this process) for few jobs."""
    wanted = processes if processes is not None else (os.cpu_count() or 1)
    size = min(wanted, n_jobs // MIN_JOBS_PER_PROCESS)
    return size if size >= 2 else 0


def _start(root: str, db_url: str) -> None:
    from course.config import gradebook_url
    from course.gradebook import shared_gradebook

    # Ctrl-C is the coordinator's to handle: it stops taking results and waits for these.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the coordinator's gradebook, however it was given to it (a parameter is not inherited)
    _stack.enter_context(gradebook_url(Path(root), db_url))
    _stack.enter_context(shared_gradebook(Path(root)))  # for this process's lifetime


@cache
def _redis(url: str):  # noqa: ANN202 -- a Redis client, one per process
    from course.grading.backends.rq.queue import connect

    return connect(url)


def remote_prepare(bundles: dict[str, str], redis_url: str, root: Path, level: str,
                   learner: str) -> dict:
    """The remote job of (learner, level) for workers holding `bundles` (level -> digest), its
    notebooks already in Redis (blobs.send_job): what comes back to the coordinator is small."""
    from course.grading.backends.rq.blobs import send_job
    from course.grading.remote.job import remote_job

    return send_job(_redis(redis_url), remote_job(root, level, learner, bundles[level]))


def remote_store(redis_url: str, root: Path, job: dict, output: dict) -> JobResult:
    """A worker's answer to a remote job, its files read from Redis, written; the job's files
    are removed from Redis then, whatever happened."""
    from course.grading.backends.rq.blobs import drop, receive_answer
    from course.grading.remote.job import store_result

    connection = _redis(redis_url)
    try:
        return store_result(root, job, receive_answer(connection, output))
    finally:
        drop(connection, job)


Prepare = Callable[[Path, str, str], dict]
Record = Callable[[Path, dict, dict], JobResult]


def _timed(fn: Callable, *args: object) -> tuple[int, float, object]:
    value = fn(*args)
    return os.getpid(), time.process_time(), value


#: What each process needs, imported once in the fork server (nbgrader alone imports for ~2 s).
PRELOAD = ["course.gradebook_rows", "course.grading.remote.job", "course.grading.backends.rq.blobs",
           "course.grading.backends.rq.pool"]


def _context() -> multiprocessing.context.BaseContext:
    """Processes forked from a fork server that imported PRELOAD once per coordinator process:
    not forked from the coordinator, whose threads and sockets (Redis, the gradebook) a fork
    would copy, and without each process importing nbgrader again (2 s of CPU each)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_fork_server() -> None:
    """Start this process's fork server and wait until it forks (its imports done): what the
    first pool of a coordinator process otherwise waits for (bench/distributed.py times pools
    without it)."""
    process = _context().Process(target=os.getpid)
    process.start()
    process.join()


class CoordinatorPool:
    """`prepare` and `record` (picklable functions that hold the learner's lock themselves) in
    `processes` processes (0: in this process, in order)."""

    def __init__(self, root: Path, processes: int, prepare: Prepare, record: Record) -> None:
        self.root = Path(root)
        self.processes = processes
        self._prepare, self._record = prepare, record
        self._cpu: dict[int, float] = {}
        self._cpu_lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        if processes:
            from course.config import load_config

            url = load_config(self.root).CourseDirectory.db_url
            self._pool = ProcessPoolExecutor(processes, mp_context=_context(),
                                             initializer=_start, initargs=(str(self.root), url))

    def prepared(self, pairs: Iterable[tuple[str, str]], ahead: int
                 ) -> Iterator[tuple[str, str, dict | BaseException]]:
        """(learner, level, job or the exception that stopped it) in the order of `pairs`,
        with up to `ahead` jobs prepared in advance."""
        if self._pool is None:
            for learner, level in pairs:
                try:
                    yield learner, level, self._prepare(self.root, level, learner)
                except Exception as exc:
                    yield learner, level, exc
            return
        queue: deque[tuple[str, str, Future]] = deque()
        source = iter(pairs)
        while True:
            while len(queue) < ahead:
                pair = next(source, None)
                if pair is None:
                    break
                learner, level = pair
                queue.append((learner, level, self._submit(self._prepare, self.root, level,
                                                           learner)))
            if not queue:
                return
            learner, level, future = queue.popleft()
            try:
                yield learner, level, self._value(future)
            except Exception as exc:
                yield learner, level, exc

    def record(self, job: dict, output: dict,
               done: Callable[[JobResult | None, BaseException | None], None]) -> None:
        """Record one result; `done(result, None)` or `done(None, exception)` is called once
        (at once in this process, else from the pool's thread when the process has finished)."""
        if self._pool is None:
            try:
                result = self._record(self.root, job, output)
            except Exception as exc:
                done(None, exc)
                return
            done(result, None)
            return
        def finished(f: Future) -> None:
            try:
                result = self._value(f)
            except Exception as exc:
                done(None, exc)
                return
            done(result, None)

        self._submit(self._record, self.root, job, output).add_done_callback(finished)

    def _submit(self, fn: Callable, *args: object) -> Future:
        """The pool's future of `_timed(fn, *args)` (read it with `_value`); a failed one when the
        pool cannot take it (a process died)."""
        try:
            return self._pool.submit(_timed, fn, *args)
        except Exception as exc:  # BrokenProcessPool: every later job fails the same way
            future: Future = Future()
            future.set_exception(exc)
            return future

    def _value(self, future: Future) -> object:
        """`fn`'s value from a finished `_submit` future (its exception raised); the process's
        CPU time so far, which comes with it, is kept for `cpu_seconds`."""
        pid, cpu, value = future.result()
        with self._cpu_lock:
            self._cpu[pid] = max(self._cpu.get(pid, 0.0), cpu)
        return value

    @property
    def cpu_seconds(self) -> float:
        """CPU time the pool's processes used so far (since each was forked)."""
        with self._cpu_lock:
            return sum(self._cpu.values())

    def close(self) -> None:
        """Wait for every result being recorded, then stop the processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=False)
            self._pool = None
