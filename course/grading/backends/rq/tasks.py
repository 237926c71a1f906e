"""What an RQ worker runs for the coordinator (course.grading.backends.rq.queue): functions named by string.

Each task gets a JSON payload and a `reply` dict (the coordinator's alive key, the item's key, the
attempt number and the retries RQ has for it) and returns its JSON output, which RQ stores as the
job's result (JSONSerializer: the output never goes through pickle) for the coordinator to read.
`run_batch` runs several items' tasks in one RQ job and returns one outcome per item.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from typing import Any

log = logging.getLogger(__name__)


def _current_job() -> Any:
    from rq import get_current_job

    job = get_current_job()
    if job is None:
        raise RuntimeError("course.grading.backends.rq.tasks functions run inside an RQ worker only")
    return job


def _attempt(job: Any, reply: dict) -> int:
    """RQ counts a job's retries down: this run is attempt `attempt` + the retries used so far."""
    return int(reply["attempt"]) + int(reply.get("retries", 0)) - int(job.retries_left or 0)


def _coordinator_gone(job: Any, reply: dict) -> bool:
    """The coordinator that enqueued this job is gone (a rerun enqueues its own jobs)."""
    if reply.get("alive") and not job.connection.exists(reply["alive"]):
        log.warning("skipping %s: its coordinator is gone", reply["key"])
        return True
    return False


def run_task(func: Any, payload: dict, reply: dict) -> dict:
    """`func(payload)` as the job's result: {"output", "attempt", "seconds"}; {"skipped"} when the
    coordinator that sent it is gone. Every task goes through it (the test-only tasks in
    tests/rq_tasks.py too)."""
    job = _current_job()
    attempt = _attempt(job, reply)
    if _coordinator_gone(job, reply):
        return {"key": reply["key"], "attempt": attempt, "skipped": True}
    started = time.monotonic()
    output = func(payload)
    return {"key": reply["key"], "attempt": attempt, "output": output,
            "seconds": time.monotonic() - started}


@cache
def _task(name: str) -> Callable[..., dict]:
    from rq.utils import import_attribute

    return import_attribute(name)


def _time_limit(seconds: int) -> AbstractContextManager:
    """RQ's own timeout for one item of a batch (SIGALRM, as RQ times a job in its work horse).

    It replaces the batch's alarm, which is the sum of its items' limits: each item is bounded by
    its own, so the batch still is by the sum."""
    from rq.timeouts import JobTimeoutException, UnixSignalDeathPenalty

    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        return nullcontext()
    return UnixSignalDeathPenalty(seconds, JobTimeoutException)


def run_batch(items: list[dict], reply: dict) -> dict:
    """Several items in one RQ job: {"outcomes": [one per item], "attempt"}; {"skipped"} when the
    coordinator that sent it is gone.

    Each item ({"key", "func", "payload", "options", "timeout"}) runs its own task, as its own RQ
    job would, within its own time limit; its outcome is {"key", "output", "seconds"}, or
    {"key", "error"} (the traceback) when it raised: one item's failure fails that item alone.
    A lost worker (the work horse killed, a forced shutdown) ends the whole batch, which RQ
    retries.
    """
    job = _current_job()
    attempt = _attempt(job, reply)
    if _coordinator_gone(job, reply):
        return {"key": reply["key"], "attempt": attempt, "skipped": True}
    item_reply = {"attempt": reply["attempt"], "retries": reply.get("retries", 0)}  # no alive check
    outcomes = []
    for item in items:
        key = item["key"]
        try:
            with _time_limit(int(item["timeout"])):
                value = _task(item["func"])(payload=item["payload"], reply={**item_reply, "key": key},
                                            **item.get("options", {}))
        except Exception:  # the item's own failure, as RQ would record it (ShutDownImminent is not one)
            outcomes.append({"key": key, "error": traceback.format_exc()})
            continue
        outcome = {"key": key}
        if isinstance(value, dict):
            outcome.update({name: value[name] for name in ("output", "seconds") if name in value})
        outcomes.append(outcome)
    return {"key": reply["key"], "attempt": attempt, "outcomes": outcomes}


def grade(payload: dict, reply: dict, isolation: str = "sandbox") -> dict:
    """Grade one remote job (course.grading.remote) as local grading does, in the same sandbox.

    isolation: "sandbox" (bubblewrap, the job fails where it cannot run) or "best" (the
    instructor accepted process limits only where this worker has no sandbox).
    """
    from course.grading.backends.rq.blobs import receive_job, send_answer
    from course.grading.remote.bundle import fetch
    from course.grading.remote.run import grade_away

    def work(payload: dict) -> dict:
        connection = _current_job().connection
        job = receive_job(connection, payload)
        answer = grade_away(job, fetch(connection, job["bundle"]), isolation)
        return send_answer(connection, payload, answer)

    return run_task(work, payload, reply)
