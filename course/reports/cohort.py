"""What a cohort or a study group needs to see: pass rates, distributions, who needs help, sessions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import criteria
from ..config import LEVELS
from .model import FAILED, PASSED, Learner
from .placement import MASTERED, NOT_YET, REACHED, Placement, place

#: Score bands of the distributions, aligned with the placement thresholds (70 % and 85 %).
BANDS: tuple[tuple[str, float, float], ...] = (
    ("0–49 %", 0.0, 50.0), (f"50–{REACHED - 1:g} %", 50.0, REACHED),
    (f"{REACHED:g}–{MASTERED - 1:g} %", REACHED, MASTERED), (f"{MASTERED:g}–100 %", MASTERED, 100.01),
)
HELP_BELOW = 50.0  # a level under this percent asks for an instructor's attention


@dataclass(frozen=True)
class CriterionRate:
    id: str
    title: str
    notebook: str
    graded: int  # learners with this criterion graded
    passed: int
    failed_by: tuple[str, ...]

    @property
    def rate(self) -> float:
        return round(100.0 * self.passed / self.graded, 1) if self.graded else 0.0


@dataclass(frozen=True)
class HelpNeeded:
    learner: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Session:
    """A learning-path step to hold as a group session, and the failed criteria it covers."""

    step: criteria.PathStep
    criteria: tuple[CriterionRate, ...]


def level_percents(learner: Learner) -> dict[str, float | None]:
    return {lvl: (learner.levels[lvl].percent if lvl in learner.levels else None) for lvl in LEVELS}


def placement_of(learner: Learner) -> Placement:
    return place(level_percents(learner))


def _course_order(cid: str) -> int:
    ids = list(criteria.BY_ID)
    return ids.index(cid) if cid in criteria.BY_ID else len(ids)


def pass_rates(learners: list[Learner]) -> list[CriterionRate]:
    """Every graded criterion's pass rate, hardest first (ties in course order)."""
    seen: dict[str, dict] = {}
    for person in learners:
        for c in person.criteria:
            if c.status not in (PASSED, FAILED):
                continue
            entry = seen.setdefault(c.id, {"title": c.title, "notebook": c.notebook,
                                           "graded": 0, "passed": 0, "failed_by": []})
            entry["graded"] += 1
            if c.status == PASSED:
                entry["passed"] += 1
            else:
                entry["failed_by"].append(person.id)
    rates = [CriterionRate(cid, e["title"], e["notebook"], e["graded"], e["passed"],
                           tuple(sorted(e["failed_by"]))) for cid, e in seen.items()]
    return sorted(rates, key=lambda r: (r.rate, _course_order(r.id), r.id))


def distribution(learners: list[Learner], level: str) -> list[tuple[str, int]]:
    """How many learners' level percent falls in each band."""
    values = [p.levels[level].percent for p in learners if level in p.levels]
    return [(label, sum(1 for v in values if v is not None and lo <= v < hi))
            for label, lo, hi in BANDS]


def needs_help(learners: list[Learner]) -> list[HelpNeeded]:
    """Learners an instructor should look at first, with the reasons."""
    out = []
    for person in learners:
        reasons = []
        for lvl in person.levels.values():
            if lvl.percent is not None and lvl.percent < HELP_BELOW:
                reasons.append(f"{lvl.level} at {lvl.percent:g} %")
            for name, message in lvl.errors:
                reasons.append(f"{lvl.level}/{name} could not be graded: {message}")
            if lvl.flags:
                reasons.append(f"{lvl.level}: {len(lvl.flags)} integrity flag(s) to review")
        if "level1" in person.levels and placement_of(person).stage == NOT_YET and not reasons:
            reasons.append("not yet Junior-ready")
        if reasons:
            out.append(HelpNeeded(person.id, person.name, tuple(reasons)))
    return out


def sessions(learners: list[Learner], top: int = 5) -> list[Session]:
    """The learning-path steps covering the group's `top` most-failed criteria, in the seed's order."""
    failing = [r for r in pass_rates(learners) if r.failed_by]
    failing.sort(key=lambda r: (-len(r.failed_by), _course_order(r.id), r.id))
    chosen = failing[:top]
    out = []
    for step in criteria.LEARNING_PATH:
        covered = tuple(r for r in chosen
                        if r.id in criteria.BY_ID and criteria.BY_ID[r.id].path_step == step.id)
        if covered:
            out.append(Session(step, covered))
    return out


def groups(learners: list[Learner]) -> dict[str, list[Learner]]:
    """Learners per roster group (learners without a group are left out), groups sorted."""
    out: dict[str, list[Learner]] = {}
    for person in learners:
        if person.group:
            out.setdefault(person.group, []).append(person)
    return dict(sorted(out.items()))


def group_file(name: str) -> str:
    """File name of a roster group's report: its name, anything unsafe in a path replaced."""
    return (re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "group") + ".html"
