"""What grading one (learner, level) gave."""

from __future__ import annotations

from dataclasses import dataclass, field

from course.grading.record.scores import CriterionResult


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
    flags: list[dict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.criteria if not c.manual)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.criteria if not c.manual)
