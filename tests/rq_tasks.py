"""Test- and benchmark-only RQ tasks, run by real `course worker` processes by dotted name
("tests.rq_tasks.echo"): a worker imports them when it runs with the repository on its path
(its working folder, or PYTHONPATH as tests/test_distributed.py sets it)."""

from __future__ import annotations

import time
from typing import Any

from course.grading.backends.rq.tasks import run_task


def echo(payload: dict, reply: dict) -> dict:
    """A trivial job (tests of the queue).

    Returns `payload["output"]` after sleeping `payload.get("sleep", 0)` seconds.
    """
    def work(data: dict) -> Any:
        time.sleep(float(data.get("sleep", 0)))
        return data.get("output")

    return run_task(work, payload, reply)


def replay(payload: dict, reply: dict, output: dict) -> dict:
    """A trivial grading job: returns a canned executed output without running anything.

    bench/distributed.py measures the coordinator's own ceiling with it (the coordinator still
    prepares, enqueues and records every job for real).
    """
    return run_task(lambda _job: output, payload, reply)
