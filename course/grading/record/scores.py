"""Scores per criterion, from the gradebook, with the failure message from the graded notebook."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from course import criteria
from course.coursedir import GradingRecord, autograded
from course.gradebook import submission
from course.notebooks import NotebookError, grade_cells, read_notebook, secret_lines
from course.preprocessors.test_outputs import failure_message

HIDDEN_MESSAGE = "a hidden check failed (its message quoted test code, so it is not shown)"



def passes(score: float, max_score: float) -> bool:
    """The pass rule of a criterion, used by grading and by every report: all of its points."""
    return max_score > 0 and score >= max_score


@dataclass
class CriterionResult:
    """One criterion of one learner: points and, when it failed, what the learner should know."""

    id: str
    notebook: str
    score: float
    max_score: float
    manual: bool
    needs_manual_grade: bool
    message: str | None

    @property
    def passed(self) -> bool:
        return not self.manual and passes(self.score, self.max_score)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["passed"] = self.passed
        known = criteria.BY_ID.get(self.id)
        if known:
            data.update(title=known.title, category=known.category, hint=known.hint,
                        path_step=known.path_step)
        return data


def _messages(path: Path) -> dict[str, str | None]:
    """grade_id -> failure message of each test cell of an autograded notebook."""
    try:
        nb = read_notebook(path)
    except NotebookError:
        return {}
    secrets = secret_lines(nb)
    messages = {}
    for grade_id, cell in grade_cells(nb):
        message = failure_message(cell)
        if message and any(line in message for line in secrets):
            message = HIDDEN_MESSAGE
        messages[grade_id] = message
    return messages


def level_results(root: Path, level: str, learner: str,
                  record: GradingRecord | None = None) -> list[CriterionResult]:
    """Every graded cell of one learner's level, in notebook order (empty if never graded).

    A criterion zeroed by an integrity flag carries the flag's message; a notebook that could not
    run gives its error as the message of each of its criteria. `record`: the level's grading
    record when the caller has read it already.
    """
    results = []
    if record is None:
        record = GradingRecord.read(root, learner, level, quiet=True)
    flagged = {(f.get("notebook"), f.get("criterion")): f.get("message")
               for f in record.flags if f.get("criterion")}
    errors = record.errors
    sub = submission(root, level, learner)
    if sub is None:
        return []
    for name, grades in sorted(sub.notebooks.items()):
        messages = _messages(autograded(root, learner, level) / f"{name}.ipynb")
        if not messages and name in errors:
            messages = {g.name: errors[name] for g in grades}
        order = {gid: i for i, gid in enumerate(messages)}
        for grade in sorted(grades, key=lambda g: order.get(g.name, len(order))):
            results.append(CriterionResult(
                id=grade.name, notebook=f"{level}/{name}", score=grade.score,
                max_score=grade.max_score, manual=grade.manual,
                needs_manual_grade=grade.needs_manual_grade,
                message=flagged.get((name, grade.name)) or (
                    None if grade.score >= grade.max_score else messages.get(grade.name)),
            ))
    return results
