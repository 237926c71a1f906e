"""Grading: prepare each (learner, level) job, execute it in the sandbox, record its scores.

The folders follow a job's path (course/grading/README.md has the map):

- prepare/   stage 1, coordinator: a submission becomes a plain-JSON job (integrity checks, skip
             unchanged pairs)
- sandbox/   stage 2, worker: the job runs in bubblewrap (host side here, inside/ in the sandbox)
- record/    stage 3, coordinator: scores to the gradebook, graded notebooks to autograded/
- steps/     nbgrader's preprocessors as the course configures them (used by stages 1 and 3)
- job.py     what travels between the stages
- backends/  where jobs run: local.py (a pool of processes) or rq/ (RQ workers)

This module is the one facade: `grade` runs a cohort on the local pool, and the three steps are
exported for other back-ends. Names are imported lazily so the executor (which runs inside the
sandbox) loads no gradebook code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from course.grading.backends.local import grade, run_job
    from course.grading.job import JobResult
    from course.grading.prepare.job import prepare_job
    from course.grading.record.scores import CriterionResult, level_results
    from course.grading.record.write import record_job
    from course.grading.sandbox.execute import execute_job

__all__ = ["CriterionResult", "JobResult", "execute_job", "grade", "level_results", "prepare_job",
           "record_job", "run_job"]

_WHERE = {"CriterionResult": "record.scores", "level_results": "record.scores", "JobResult": "job",
          "grade": "backends.local", "run_job": "backends.local", "prepare_job": "prepare.job",
          "execute_job": "sandbox.execute", "record_job": "record.write"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(name)
