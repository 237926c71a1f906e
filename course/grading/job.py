"""What travels between the stages of grading: the job, the sandbox's answer, the result.

The job and the answer are plain JSON (they cross to and from workers and the sandbox); these
TypedDicts are their schema, checked by type checkers and read by people. The answer is checked
for shape when it is read back from the sandbox (`sandbox/execute.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from course.coursedir import Flag
    from course.grading.record.scores import CriterionResult


class Limits(TypedDict):
    """`GradingLimits.as_dict()`: what the sandbox enforces for one job."""

    cell_timeout: float
    notebook_timeout: float
    memory_bytes: int
    max_processes: int
    file_bytes: int
    output_bytes: int
    cpu_cores: float
    notebook_bytes: int


class Job(TypedDict):
    """`prepare_job`'s output: one (learner, level), ready to run anywhere."""

    version: int
    level: str
    learner: str
    prepared_at: str  # ISO 8601, UTC
    submitted_at: str | None
    notebooks: dict[str, str]  # name -> sanitized notebook JSON (the instructor's test cells back)
    errors: dict[str, str]  # name -> why that notebook is not run
    flags: list[Flag]
    limits: Limits
    partial_credit: dict[str, list[str]]  # name -> grade_ids of test cells that ask for it
    fingerprint: str  # what grading read (prepare/fingerprint.py)


class Answer(TypedDict, total=False):
    """`execute_job`'s output: the executed notebooks and what the sandbox could (not) apply."""

    notebooks: dict[str, str]  # name -> executed notebook JSON (only its outputs are kept)
    errors: dict[str, str]
    flags: list[Flag]
    seconds: float
    isolation: list[str]  # limits that applied
    missing: list[str]  # limits that could not


@dataclass
class JobResult:
    """Scores, integrity flags and per-notebook errors; `ok` is False when the job could not be
    graded at all or a notebook could not be run (the reason says why; zeros were recorded)."""

    learner: str
    level: str
    ok: bool
    reason: str = ""
    seconds: float = 0.0
    criteria: list[CriterionResult] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.criteria if not c.manual)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.criteria if not c.manual)
