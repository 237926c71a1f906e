"""The grading engine's three steps, for callers that run them apart (e.g. an RQ worker).

- prepare_job(root, level, learner) -> dict   coordinator: sanitized notebooks, limits, flags
- execute_job(job, *, sandbox=...) -> dict    worker: pure, no course folder, no gradebook
- record_job(root, job, output) -> JobResult  coordinator: the only gradebook writer
"""

from .execute import execute_job
from .prepare import prepare_job
from .record import record_job
from .result import JobResult
from .runner import grade, run_job

__all__ = ["JobResult", "execute_job", "grade", "prepare_job", "record_job", "run_job"]
