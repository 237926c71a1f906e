"""Grading: prepare each (learner, level) job, execute it in the sandbox, record its scores.

Names are imported lazily so the executor (which runs inside the sandbox) loads no gradebook code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .execute import execute_job
    from .prepare import prepare_job
    from .record import record_job
    from .result import JobResult
    from .runner import grade
    from .scores import CriterionResult, level_results

__all__ = ["CriterionResult", "JobResult", "execute_job", "grade", "level_results", "prepare_job",
           "record_job"]

_WHERE = {"CriterionResult": "scores", "level_results": "scores", "JobResult": "result",
          "grade": "runner", "prepare_job": "prepare", "execute_job": "execute",
          "record_job": "record"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(name)
