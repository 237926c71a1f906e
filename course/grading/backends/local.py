"""Cohort grading: a pool of workers, each job prepared, executed in the sandbox and recorded.

Never two jobs of one learner at once: in this run the scheduler skips a busy learner, and across
runs (two `course grade` at once) a lock file per learner in autograded/.locks/ serializes them
(course.coursedir.learner_lock).
A job that fails in any way becomes that learner's result with the reason; the others go on.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from course.coursedir import GradingRecord, clean_stale, learner_lock, submitted
from course.gradebook import shared_gradebook
from course.grading.job import JobResult
from course.grading.prepare.job import prepare_job
from course.grading.record.write import record_job
from course.grading.sandbox.execute import execute_job
from course.grading.sandbox.host import Sandbox, open_sandbox, resolve_mode
from course.processes import kill_children

log = logging.getLogger(__name__)


def run_job(root: Path, level: str, learner: str, sandbox: Sandbox | str = "sandbox",
            stop: threading.Event | None = None) -> JobResult:
    """Prepare, execute and record one (learner, level); never raises.

    When `stop` is set while the job runs (the run was interrupted), nothing is recorded.
    """
    started = time.monotonic()
    try:
        with learner_lock(root, learner):
            clean_stale(Path(root), level, learner)
            job = prepare_job(root, level, learner)
            output = execute_job(job, sandbox=sandbox)
            if stop is not None and stop.is_set():
                return JobResult(learner, level, False, "interrupted: nothing recorded",
                                 time.monotonic() - started)
            result = record_job(root, job, output)
    except Exception as exc:
        log.warning("grading %s %s failed", learner, level, exc_info=True)
        return JobResult(learner, level, False, f"grading failed: {type(exc).__name__}: {exc}",
                         time.monotonic() - started)
    result.seconds = time.monotonic() - started
    return result


def expected_seconds(root: Path, learner: str, level: str) -> float:
    """How long a job will take: its last grading time, else its submission's size as a proxy."""
    record = GradingRecord.read(Path(root), learner, level, quiet=True)
    if record.seconds > 0:
        return record.seconds
    folder = submitted(root, learner, level)
    size = sum(p.stat().st_size for p in folder.glob("*.ipynb")) if folder.is_dir() else 0
    return size / 10_000  # about 1 s per 10 kB of notebook, only the order matters


def grade(root: Path, pairs: list[tuple[str, str]],
          progress: Callable[[JobResult], None] | None = None,
          workers: int | None = None, isolation: str = "sandbox") -> list[JobResult]:
    """Grade each (learner, level) with `workers` parallel jobs; results in the order of `pairs`.

    isolation: "sandbox" (bubblewrap, refused where it cannot run), "best" (sandbox when it can
    run, process limits otherwise) or "limits" (process limits only).
    """
    if not pairs:
        return []
    mode = resolve_mode(isolation)
    workers = max(1, min(workers or os.cpu_count() or 1, len(pairs)))
    # Longest jobs first, so no long job starts last while the other workers sit idle.
    pending = sorted(enumerate(pairs), key=lambda item: -expected_seconds(root, *item[1]))
    busy: set[str] = set()
    results: dict[int, JobResult] = {}
    cond = threading.Condition()
    report = threading.Lock()

    stop = threading.Event()

    def take() -> tuple[int, tuple[str, str]] | None:
        with cond:
            while pending and not stop.is_set():
                for i, (_index, (learner, _level)) in enumerate(pending):
                    if learner not in busy:
                        busy.add(learner)
                        return pending.pop(i)
                cond.wait()
            return None

    def work(done: threading.Event) -> None:
        try:
            _work()
        finally:
            done.set()

    def _work() -> None:
        with open_sandbox(mode) as box, shared_gradebook(root):
            while (item := take()) is not None:
                index, (learner, level) = item
                log.info("grading %s %s", learner, level)
                try:
                    result = run_job(root, level, learner, box, stop)
                finally:
                    with cond:
                        busy.discard(learner)
                        cond.notify_all()
                results[index] = result
                if progress:
                    with report:
                        progress(result)

    # Waiting on events, not Thread.join(): a join interrupted by Ctrl-C can leave its thread
    # marked as stopped while it still runs (CPython 3.11), and the clean-up below must wait.
    finished = [threading.Event() for _ in range(workers)]
    threads = [threading.Thread(target=work, args=(done,), name=f"grader-{n}", daemon=True)
               for n, done in enumerate(finished)]
    for t in threads:
        t.start()
    try:
        for done in finished:
            done.wait()
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM): start no new job, stop the running ones without recording
        # them, and let each worker remove its job folder before the process exits.
        stop.set()
        with cond:
            cond.notify_all()
        kill_children()
        deadline = time.monotonic() + 60
        for done in finished:
            done.wait(max(0.0, deadline - time.monotonic()))
        raise
    return [results.get(i) or JobResult(learner, level, False, "not graded: its worker stopped")
            for i, (learner, level) in enumerate(pairs)]
