"""What an RQ worker runs for the coordinator (course.grading.backends.rq.queue): functions named by string.

Each task gets a JSON payload and a `reply` address, and pushes its JSON output to the
coordinator's reply list before returning. RQ itself stores only a small receipt: the output
never goes through pickle, and the coordinator never has to poll each job for its result.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from typing import Any

from redis import Redis

log = logging.getLogger(__name__)

#: How long an unread reply list is kept (a coordinator that died leaves it behind).
REPLY_TTL_S = 24 * 3600


def _worker_name() -> str:
    return os.environ.get("RQ_WORKER_ID") or f"{socket.gethostname()}:{os.getpid()}"


def _connection() -> Redis:
    from rq import get_current_job

    job = get_current_job()
    if job is None:
        raise RuntimeError("course.grading.backends.rq.tasks functions run inside an RQ worker only")
    return job.connection


def send_reply(connection: Redis, reply: dict[str, Any], **message: Any) -> None:
    """Push one message (JSON) to the coordinator's reply list named in `reply`."""
    body = json.dumps({"key": reply["key"], "attempt": reply["attempt"], "worker": _worker_name(),
                       **message})
    with connection.pipeline() as pipe:
        pipe.rpush(reply["list"], body)
        pipe.expire(reply["list"], REPLY_TTL_S)
        pipe.execute()


def run_task(func: Any, payload: dict, reply: dict) -> dict:
    """Run `func(payload)` for the coordinator that sent it and reply with its output (JSON);
    skipped, with a reply saying so, when that coordinator is gone. Every task goes through it
    (the test-only tasks in tests/rq_tasks.py too)."""
    connection = _connection()
    if reply.get("alive") and not connection.exists(reply["alive"]):
        # the coordinator that enqueued this job is gone (a rerun enqueues its own jobs)
        log.warning("skipping %s: its coordinator is gone", reply["key"])
        send_reply(connection, reply, skipped=True)  # should it only have been paused
        return {"key": reply["key"], "attempt": reply["attempt"], "skipped": True}
    started = time.monotonic()
    output = func(payload)
    seconds = time.monotonic() - started
    send_reply(connection, reply, output=output, seconds=seconds)
    return {"key": reply["key"], "attempt": reply["attempt"], "seconds": seconds}


def grade(payload: dict, reply: dict, isolation: str = "sandbox") -> dict:
    """Execute one prepared grading job in the sandbox, as local grading does.

    isolation: "sandbox" (bubblewrap, the job fails where it cannot run) or "best" (the
    instructor accepted process limits only where this worker has no sandbox).
    """
    from course.grading.sandbox.execute import execute_job

    return run_task(lambda job: execute_job(job, sandbox=isolation), payload, reply)


def report_failure(job: Any, connection: Redis, exc_type: Any, exc_value: Any, _tb: Any) -> None:
    """RQ failure callback: tell the coordinator why an attempt failed (timeout, exception...)."""
    reply = (job.kwargs or {}).get("reply")
    if not reply:
        return
    name = getattr(exc_type, "__name__", str(exc_type))
    send_reply(connection, reply, error=f"{name}: {exc_value}".strip().rstrip(":"))
