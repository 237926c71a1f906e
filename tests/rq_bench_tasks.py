"""Test- and benchmark-only RQ tasks (workers import them by name: `tests.rq_bench_tasks.nap`)."""

from __future__ import annotations

import time

from course.grading.rq_tasks import _run


def nap(payload: dict, reply: dict) -> dict:
    """Sleeps `payload["sleep"]` seconds and returns `payload.get("output")`."""
    def work(data: dict) -> object:
        time.sleep(float(data.get("sleep", 0)))
        return data.get("output")

    return _run(work, payload, reply)
