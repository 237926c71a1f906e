"""Where a learner stands: the skill profile over the seed's four categories, and level placement.

Placement rule (course spec, section 5), on level percentages that leave out criteria awaiting an
instructor: Junior-ready when level1 >= 70 %; Mid-ready when level1 >= 85 % and level2 >= 70 %;
Senior-ready when level2 >= 85 % and level3 >= 70 %. A level never graded counts as not met.
The placement is the highest stage reached; "next" lists each condition still missing for the
stage above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..criteria import CATEGORY_WEIGHTS
from .model import CriterionRow, percent

CATEGORY_TITLES: dict[str, str] = {
    "technical": "Technical Skills",
    "production": "Production Experience",
    "leadership": "Leadership & Communication",
    "innovation": "Innovation & Growth",
}

#: The placement thresholds (course spec, section 5), the only place they are written: a level
#: is reached at REACHED percent, and mastered (which the next stage needs too) at MASTERED.
#: The cohort's score bands and the charts' dashed lines are drawn from them.
REACHED = 70.0
MASTERED = 85.0
THRESHOLDS: tuple[float, float] = (REACHED, MASTERED)

#: (stage, conditions): each condition is (level, minimum percent), in the spec's order.
STAGES: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = (
    ("Junior-ready", (("level1", REACHED),)),
    ("Mid-ready", (("level1", MASTERED), ("level2", REACHED))),
    ("Senior-ready", (("level2", MASTERED), ("level3", REACHED))),
)
NOT_YET = "Not yet Junior-ready"


def rule() -> tuple[str, ...]:
    """The placement rule in words, one sentence part per stage ("Junior-ready when level1 ≥ 70 %")."""
    return tuple(f"{stage} when " + " and ".join(f"{level} ≥ {minimum:g} %" for level, minimum in conditions)
                 for stage, conditions in STAGES)


@dataclass(frozen=True)
class CategoryScore:
    key: str
    title: str
    weight: float  # 0.40 ...
    percent: float | None  # None: no graded criterion of this category yet
    criteria: int


@dataclass(frozen=True)
class Profile:
    categories: tuple[CategoryScore, ...]
    overall: float | None  # weighted over the categories assessed so far


@dataclass(frozen=True)
class Placement:
    stage: str  # NOT_YET or a stage of STAGES
    next_stage: str | None  # None at the top
    missing: tuple[str, ...]  # what is missing for next_stage, in plain words


def skill_profile(rows: list[CriterionRow]) -> Profile:
    """Each category's percent over its counted criteria, and the weighted overall score.

    The overall score re-normalises the weights over the categories with at least one graded
    criterion, so a category the course has not assessed yet neither helps nor hurts.
    """
    cats = []
    for key, weight in CATEGORY_WEIGHTS.items():
        mine = [c for c in rows if c.category == key]
        cats.append(CategoryScore(key, CATEGORY_TITLES.get(key, key), weight, percent(mine),
                                  sum(1 for c in mine if c.counted)))
    assessed = [c for c in cats if c.percent is not None]
    weight = sum(c.weight for c in assessed)
    overall = round(sum(c.weight * c.percent for c in assessed) / weight, 1) if weight else None
    return Profile(tuple(cats), overall)


def _met(percents: dict[str, float | None], level: str, minimum: float) -> bool:
    value = percents.get(level)
    return value is not None and value >= minimum


def _shortfall(percents: dict[str, float | None], level: str, minimum: float) -> str:
    value = percents.get(level)
    if value is None:
        return f"{level}: not graded yet (needs {minimum:g} %)"
    return f"{level}: {value:g} %, needs {minimum:g} %"


def place(percents: dict[str, float | None]) -> Placement:
    """The placement for level percentages {"level1": 72.5, "level2": None, ...}."""
    stage, index = NOT_YET, -1
    for i, (name, conditions) in enumerate(STAGES):
        if all(_met(percents, lvl, m) for lvl, m in conditions):
            stage, index = name, i
    if index + 1 >= len(STAGES):
        return Placement(stage, None, ())
    next_name, conditions = STAGES[index + 1]
    missing = tuple(_shortfall(percents, lvl, m) for lvl, m in conditions
                    if not _met(percents, lvl, m))
    return Placement(stage, next_name, missing)
