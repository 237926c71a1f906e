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


_CANNED: dict[str, dict] = {}


def _canned(connection: Any, key: str) -> dict:
    """The canned answer, read once per work horse (a batch of items shares it)."""
    import json

    if key not in _CANNED:
        _CANNED[key] = json.loads(connection.get(key))
    return _CANNED[key]


def replay(payload: dict, reply: dict, output_key: str) -> dict:
    """A trivial grading job: answers with a canned worker's answer (JSON under `output_key` in
    Redis) without grading anything, moving the job's files as a real worker does.

    bench/distributed.py measures the coordinator's own ceiling with it (the coordinator still
    prepares, enqueues and stores every job for real).
    """
    from rq import get_current_job

    from course.grading.backends.rq.blobs import receive_job, send_answer

    def work(data: dict) -> dict:
        connection = get_current_job().connection
        receive_job(connection, data)
        return send_answer(connection, data, _canned(connection, output_key))

    return run_task(work, payload, reply)
