"""What an RQ worker runs for the coordinator (course.grading.backends.rq.queue): functions named by string.

Each task gets a JSON payload and a `reply` dict (the coordinator's alive key, the item's key, the
attempt number and the retries RQ has for it) and returns its JSON output, which RQ stores as the
job's result (JSONSerializer: the output never goes through pickle) for the coordinator to read.
"""

from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger(__name__)


def run_task(func: Any, payload: dict, reply: dict) -> dict:
    """`func(payload)` as the job's result: {"output", "attempt", "seconds"}; {"skipped"} when the
    coordinator that sent it is gone. Every task goes through it (the test-only tasks in
    tests/rq_tasks.py too)."""
    from rq import get_current_job

    job = get_current_job()
    if job is None:
        raise RuntimeError("course.grading.backends.rq.tasks functions run inside an RQ worker only")
    # RQ counts a job's retries down: this run is attempt `attempt` + the retries used so far
    attempt = int(reply["attempt"]) + int(reply.get("retries", 0)) - int(job.retries_left or 0)
    if reply.get("alive") and not job.connection.exists(reply["alive"]):
        # the coordinator that enqueued this job is gone (a rerun enqueues its own jobs)
        log.warning("skipping %s: its coordinator is gone", reply["key"])
        return {"key": reply["key"], "attempt": attempt, "skipped": True}
    started = time.monotonic()
    output = func(payload)
    return {"key": reply["key"], "attempt": attempt, "output": output,
            "seconds": time.monotonic() - started}


def grade(payload: dict, reply: dict, isolation: str = "sandbox") -> dict:
    """Grade one remote job (course.grading.remote) as local grading does, in the same sandbox.

    isolation: "sandbox" (bubblewrap, the job fails where it cannot run) or "best" (the
    instructor accepted process limits only where this worker has no sandbox).
    """
    from rq import get_current_job

    from course.grading.remote.bundle import fetch
    from course.grading.remote.run import grade_away

    def work(job: dict) -> dict:
        return grade_away(job, fetch(get_current_job().connection, job["bundle"]), isolation)

    return run_task(work, payload, reply)
