"""`course worker`: an RQ worker (JSONSerializer) that runs grading jobs for a coordinator.

Each job runs in a forked work horse (RQ's default worker), which runs the notebooks in the same
sandbox as local grading (course.grading.execute_job). A job is one grading item, or a batch of
short ones (tasks.run_batch, one after the other in the same work horse): the fork and RQ's own
bookkeeping cost some 25 ms per job, which a batch shares among its items. The worker heartbeats
every `heartbeat` seconds while a job runs and writes that interval into its RQ worker hash, so
the coordinator knows when its silence means it is gone.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from rq import Worker
from rq.serializers import JSONSerializer

from course.grading.backends.rq.queue import HEARTBEAT_FIELD, QUEUE_NAME, connect, grading_queue

log = logging.getLogger(__name__)


class CourseWorker(Worker):
    """An RQ Worker that publishes its heartbeat interval for the coordinator."""

    def register_birth(self) -> None:
        super().register_birth()
        self.connection.hset(self.key, HEARTBEAT_FIELD, str(self.job_monitoring_interval))


def default_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def preload() -> None:
    """Import the grading code once in the worker, so each forked work horse starts at once."""
    from course.grading.backends.rq import tasks  # noqa: F401
    from course.grading.prepare import job  # noqa: F401
    from course.grading.record import write  # noqa: F401
    from course.grading.remote import run  # noqa: F401
    from course.grading.sandbox import execute  # noqa: F401
    from course.grading.sandbox.host import REDUCED_ISOLATION, missing_limits, sandbox_available

    if not sandbox_available():
        log.warning("this worker has no bubblewrap sandbox: its jobs fail unless the coordinator "
                    "runs `course grade --allow-reduced-isolation` (%s)", REDUCED_ISOLATION)
    else:
        for item in missing_limits("sandbox"):
            log.warning("not enforced on this worker: %s", item)


def run_worker(redis_url: str, *, burst: bool = False, name: str | None = None,
               heartbeat: int = 10, queue_name: str = QUEUE_NAME,
               maintenance_interval: int = 60) -> bool:
    """Work on the grading queue until stopped (or, with burst, until it is empty)."""
    connection = connect(redis_url)
    connection.ping()
    preload()
    worker = CourseWorker(
        [grading_queue(connection, queue_name)], connection=connection, name=name or default_name(),
        serializer=JSONSerializer, job_monitoring_interval=heartbeat,
        maintenance_interval=maintenance_interval,
        worker_ttl=max(3 * heartbeat, 15),
    )
    log.info("worker %s on %s (queue %s)", worker.name, redis_url, queue_name)
    return worker.work(burst=burst, logging_level="WARNING", with_scheduler=False)
