"""Plain data of learners' results, gathered from the gradebook, the autograded folders and roster.csv.

Percentages (the rule used by every report): a criterion counts with the points it earned out of
its points, autograded or graded by an instructor. A manually graded criterion that no instructor
has graded yet is "awaiting instructor": it is shown, and left out of both sides of every
percentage (level, category, placement) until it is graded. An unanswered written answer that
nbgrader scored 0 itself counts as graded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from course import criteria, roster
from course.config import LEVELS
from course.coursedir import Flag, GradingRecord, autograded
from course.gradebook import submission
from course.grading.record.scores import level_results, passes

PASSED, FAILED, AWAITING = "passed", "failed", "awaiting"
MARKS = {PASSED: "✅", FAILED: "❌", AWAITING: "⏳"}


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of one learner, with everything the learner should read about it."""

    id: str
    notebook: str  # "level1/01-ml-fundamentals"
    title: str
    category: str | None
    hint: str
    path_step: str | None
    manual: bool
    score: float
    max_score: float
    status: str  # PASSED, FAILED or AWAITING
    message: str | None = None
    comment: str | None = None  # the instructor's comment from formgrader
    seed: str = ""  # the seed line it maps to, in the seed's ✅/❌ wording

    @property
    def mark(self) -> str:
        return MARKS[self.status]

    @property
    def counted(self) -> bool:
        return self.status != AWAITING


@dataclass(frozen=True)
class NotebookResult:
    name: str  # "01-ml-fundamentals"
    criteria: tuple[CriterionRow, ...]
    error: str | None = None


@dataclass(frozen=True)
class LevelResult:
    """One learner's latest graded attempt at a level."""

    level: str
    graded_at: str
    notebooks: tuple[NotebookResult, ...]
    flags: tuple[Flag, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()
    submitted_at: str = ""  # when it was handed in (UTC, ISO 8601), "" when unknown
    due: str = ""  # the level's due date for this learner (extension included), "" when none
    penalty: float = 0.0  # points lost to the late-penalty policy

    @property
    def criteria(self) -> list[CriterionRow]:
        return [c for nb in self.notebooks for c in nb.criteria]

    @property
    def score(self) -> float:
        """Points earned after any late penalty."""
        return max(0.0, sum(c.score for c in self.criteria if c.counted) - self.penalty)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.criteria if c.counted)

    @property
    def percent(self) -> float | None:
        if self.penalty <= 0:
            return percent(self.criteria)
        return round(100.0 * self.score / self.max_score, 1) if self.max_score > 0 else None

    @property
    def late(self) -> bool:
        return bool(self.submitted_at and self.due and self.submitted_at > self.due)

    @property
    def awaiting(self) -> int:
        return sum(1 for c in self.criteria if c.status == AWAITING)


@dataclass
class Learner:
    id: str
    name: str = ""
    group: str = ""
    levels: dict[str, LevelResult] = field(default_factory=dict)

    @property
    def criteria(self) -> list[CriterionRow]:
        return [c for lvl in self.levels.values() for c in lvl.criteria]

    @property
    def failed(self) -> list[CriterionRow]:
        return [c for c in self.criteria if c.status == FAILED]


def percent(rows: list[CriterionRow]) -> float | None:
    """Points earned over points available among counted criteria, in %; None when nothing counts."""
    counted = [c for c in rows if c.counted]
    total = sum(c.max_score for c in counted)
    if total <= 0:
        return None
    return round(100.0 * sum(c.score for c in counted) / total, 1)


def make_row(result, comment: str | None = None, manual_score: float | None = None) -> CriterionRow:
    """A CriterionRow from a grading CriterionResult (course.grading.record.scores) and formgrader data."""
    known = criteria.BY_ID.get(result.id)
    manual = bool(result.manual)
    if manual and result.needs_manual_grade and manual_score is None:
        status = AWAITING
    elif passes(result.score, result.max_score):
        status = PASSED
    else:
        status = FAILED
    message = result.message
    if status == FAILED and manual and not message:
        message = ("graded by your instructor" if manual_score is not None
                   else "not answered yet")
    return CriterionRow(
        id=result.id, notebook=result.notebook,
        title=known.title if known else result.id.replace("_", " "),
        category=known.category if known else None,
        hint=known.hint if known else "",
        path_step=known.path_step if known else None,
        manual=manual, score=float(result.score), max_score=float(result.max_score),
        status=status, message=message if status == FAILED else None,
        comment=(comment or "").strip() or None,
        seed=known.seed if known else "",
    )


@dataclass(frozen=True)
class _Submission:
    """What the gradebook says of one learner's submission of a level."""

    timestamp: str = ""  # ISO 8601 with its UTC offset
    graded_fallback: str = ""  # what history has always used when grading.json has no time
    due: str = ""
    penalty: float = 0.0
    comments: dict = field(default_factory=dict)
    manual: dict = field(default_factory=dict)


def _utc(when) -> str:
    """A gradebook time (naive UTC) as ISO 8601 UTC, "" for None."""
    return when.isoformat(timespec="seconds") + "+00:00" if when else ""


def _formgrader_data(root: Path, level: str, learner: str) -> _Submission:
    """The submission's time, due date, late penalty and formgrader's comments and manual scores."""
    sub = submission(root, level, learner)
    if sub is None:
        return _Submission()
    stamp = sub.timestamp.isoformat() if sub.timestamp else ""
    manual = {g.name: g.manual_score for grades in sub.notebooks.values() for g in grades
              if g.manual_score is not None}
    return _Submission(_utc(sub.timestamp), stamp, _utc(sub.duedate), sub.late_penalty,
                       dict(sub.comments), manual)


def gather_level(root: Path, learner: str, level: str) -> LevelResult | None:
    """The learner's graded level, or None when it was never graded."""
    if not autograded(root, learner, level).is_dir():
        return None
    record = GradingRecord.read(root, learner, level)
    results = level_results(root, level, learner, record)
    errors = record.errors
    if not results and not errors:
        return None
    sub = _formgrader_data(root, level, learner)
    stamp, comments, manual = sub.graded_fallback, sub.comments, sub.manual
    by_notebook: dict[str, list[CriterionRow]] = {}
    for r in results:
        name = r.notebook.split("/", 1)[1]
        by_notebook.setdefault(name, []).append(make_row(r, comments.get(r.id), manual.get(r.id)))
    for name in errors:
        by_notebook.setdefault(str(name), [])
    notebooks = tuple(
        NotebookResult(name, tuple(rows), str(errors[name]) if name in errors else None)
        for name, rows in sorted(by_notebook.items())
    )
    return LevelResult(level=level, graded_at=record.graded_at or stamp,
                       notebooks=notebooks, flags=record.flags,
                       errors=tuple(sorted((str(k), str(v)) for k, v in errors.items())),
                       submitted_at=sub.timestamp, due=sub.due, penalty=sub.penalty)


def read_roster(root: Path) -> dict[str, dict[str, str]]:
    """learner_id -> {"name", "group"} from roster.csv ({} when there is none)."""
    return {m.learner_id: {"name": m.name, "group": m.group} for m in roster.read_roster(root)}


def graded_learners(root: Path) -> list[str]:
    """Learners with at least one autograded level on disk, sorted."""
    base = root / "autograded"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and any(p.glob("level*")))


def gather_learner(root: Path, learner: str, roster: dict | None = None) -> Learner:
    roster = read_roster(root) if roster is None else roster
    info = roster.get(learner, {})
    person = Learner(learner, info.get("name", ""), info.get("group", ""))
    for level in LEVELS:
        result = gather_level(root, learner, level)
        if result is not None:
            person.levels[level] = result
    return person


def gather_cohort(root: Path) -> list[Learner]:
    """Every graded learner, in id order."""
    roster = read_roster(root)
    return [gather_learner(root, who, roster) for who in graded_learners(root)]
