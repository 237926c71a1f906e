"""`course grade --backend rq`: the cohort graded by RQ workers on other machines.

The coordinator (this process) publishes each level's bundle once (course.grading.remote.bundle),
reads each (learner, level)'s submission into a job (course.grading.remote.job.remote_job) and
sends it as JSON through Redis to a `course worker`. The worker grades it in a scratch course made
from the bundle with local grading's own code (the same sandbox, nbgrader's steps, the course's
scoring rule: course.grading.remote.run) and sends back the autograded files and gradebook rows
as JSON. The coordinator writes those (store_result): it stays the only writer of the course
gradebook and of autograded/. Workers need no course folder and no database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from course.config import CourseError, grading_limits
from course.gradebook import shared_gradebook
from course.grading.backends.rq.blobs import drop
from course.grading.backends.rq.pool import CoordinatorPool, pool_size, remote_prepare, remote_store
from course.grading.backends.rq.queue import QUEUE_NAME, Coordinator, WorkItem, connect
from course.grading.remote.bundle import publish
from course.notebooks import source_notebooks

log = logging.getLogger(__name__)

GRADE_TASK = "course.grading.backends.rq.tasks.grade"
#: Jobs being prepared ahead of the queue's need: submitted early, the preparing is not queued
#: behind the results the pool's processes are writing (a job prepared is small: its
#: notebooks wait in Redis).
PREPARED_AHEAD = 32
#: Seconds RQ allows beyond the engine's own wall-clock limits before it kills a job.
TIMEOUT_MARGIN_S = 180


def job_timeout(root: Path, level: str) -> int:
    """RQ's limit for one job: every notebook at its wall-clock limit, plus start-up."""
    limits = grading_limits(root)
    n_notebooks = max(1, len(source_notebooks(root, level)))
    return int(limits.notebook_timeout * n_notebooks + TIMEOUT_MARGIN_S)


def grade_rq(root: Path, pairs: list[tuple[str, str]], redis_url: str,
             progress: Callable | None = None, *, isolation: str = "sandbox",
             queue_name: str = QUEUE_NAME, stale_after: float | None = None,
             max_attempts: int = 3, window: int = 200,
             coordinator: Coordinator | None = None, task: str = GRADE_TASK,
             task_options: dict | None = None, processes: int | None = None) -> list:
    """Grade each (learner, level) on RQ workers; the results in the order of `pairs`.

    `progress(result)` is called once per pair, as results are recorded, like local grading.
    `task` and `task_options` name what the workers run (the benchmark's trivial task).
    `processes`: how many processes prepare and record jobs (default one per CPU; none for a
    handful of jobs: course.grading.backends.rq.pool).
    """
    import redis
    from rq import Worker

    from course import grading as engine

    root = Path(root)
    try:
        coordinator = coordinator or Coordinator(
            connect(redis_url), queue_name=queue_name, max_attempts=max_attempts,
            stale_after=stale_after, window=window)
        coordinator.connection.ping()
        if not Worker.count(queue=coordinator.queue):
            log.warning("no `course worker` listens on queue %s of %s yet: jobs wait for one",
                        coordinator.queue.name, redis_url)
    except redis.RedisError as exc:
        raise CourseError(f"cannot reach Redis at {redis_url}: {exc}") from None
    results: dict[tuple[str, str], object] = {}
    levels = sorted({lvl for _, lvl in pairs})
    timeouts = {level: job_timeout(root, level) for level in levels}
    started = {pair: time.monotonic() for pair in pairs}
    report = threading.Lock()

    def done(result) -> None:  # noqa: ANN001 -- an engine JobResult
        with report:  # results come from the pool's thread too
            results[(result.learner, result.level)] = result
            if progress:
                progress(result)

    def failed(learner: str, level: str, reason: str) -> None:
        done(engine.JobResult(learner, level, False, reason,
                              time.monotonic() - started[(learner, level)]))

    bundles: dict[str, str] = {}
    with shared_gradebook(root):
        for level in levels:
            try:
                bundles[level] = publish(coordinator.connection, root, level)
            except redis.RedisError as exc:
                raise CourseError(f"cannot reach Redis at {redis_url}: {exc}") from None
            except Exception as exc:
                log.warning("the bundle of %s could not be made", level, exc_info=True)
                for learner, lvl in pairs:
                    if lvl == level:
                        failed(learner, level, f"could not prepare the level for the workers: "
                                               f"{type(exc).__name__}: {exc}")
    todo = [pair for pair in pairs if pair[1] in bundles]
    pool = CoordinatorPool(root, pool_size(len(todo), processes),
                           prepare=partial(remote_prepare, bundles, redis_url),
                           record=partial(remote_store, redis_url))

    def items() -> Iterator[WorkItem]:
        # Longest jobs first (as local grading does): RQ hands them out in this order.
        from course.grading.backends.local import expected_seconds

        ordered = sorted(todo, key=lambda pair: -expected_seconds(root, *pair))
        for learner, level, job in pool.prepared(ordered, ahead=PREPARED_AHEAD):
            if isinstance(job, BaseException):
                log.warning("preparing %s %s failed", learner, level, exc_info=job)
                failed(learner, level, f"could not prepare the job: {type(job).__name__}: {job}")
                continue
            started[(learner, level)] = time.monotonic()
            yield WorkItem(f"{level}/{learner}", task, job, timeouts[level],
                           options=task_options if task_options is not None
                           else {"isolation": isolation})

    def on_result(item: WorkItem, output: dict, meta: dict) -> None:
        job = item.payload
        learner, level = job["learner"], job["level"]

        def recorded(result, exc: BaseException | None) -> None:  # noqa: ANN001 -- a JobResult
            if exc is not None:
                log.warning("recording %s %s failed", learner, level, exc_info=exc)
                failed(learner, level, f"could not record the result: {type(exc).__name__}: {exc}")
                return
            log.info("%s %s graded by %s (attempt %s)", learner, level, meta.get("worker"),
                     meta.get("attempt"))
            done(result)

        pool.record(job, output, recorded)

    def on_failure(item: WorkItem, reason: str) -> None:
        drop(coordinator.connection, item.payload)
        failed(item.payload["learner"], item.payload["level"], reason)

    try:
        with shared_gradebook(root):
            try:
                stats = coordinator.run(items(), on_result, on_failure)
            finally:
                pool.close()  # every result handed on is recorded before this returns
                coordinator.stats.pool_cpu_seconds = pool.cpu_seconds
    except redis.RedisError as exc:
        raise CourseError(f"lost Redis at {redis_url} after {len(results)} of {len(pairs)} "
                          f"result(s), which are recorded; run the same command again to complete "
                          f"the cohort ({exc})") from None
    if stats.requeued or stats.duplicates:
        log.warning("%d job(s) given to another worker (workers lost: %s); %d duplicate "
                    "result(s) ignored", stats.requeued, ", ".join(sorted(stats.lost_workers)) or
                    "none", stats.duplicates)
    log.info("distributed grading: %s", stats)
    return [results[pair] for pair in pairs]
