"""Grading: run each (learner, level) job, then read scores from the gradebook."""

from .runner import JobResult, grade
from .scores import CriterionResult, level_results

__all__ = ["CriterionResult", "JobResult", "grade", "level_results"]
