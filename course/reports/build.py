"""Write the reports to disk: a learner's report.{html,json} and history.json, cohort and groups."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..config import CourseError, check_learner_id
from . import history
from .cohort import group_file
from .cohort import groups as by_group
from .export import write_export
from .model import Learner, gather_cohort, gather_learner, read_roster
from .render import learner_data, render_cohort, render_group, render_learner

log = logging.getLogger(__name__)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def write_learner(root: Path, person: Learner) -> Path:
    """feedback/<learner>/history.json (updated), report.json and report.html; returns report.html."""
    folder = root / "feedback" / person.id
    entries = history.update(folder / "history.json", person)
    data = learner_data(person, entries)
    _write(folder / "report.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return _write(folder / "report.html", render_learner(person, entries, folder))


def write_learner_report(root: Path, learner: str) -> Path:
    check_learner_id(learner)
    person = gather_learner(root, learner)
    if not person.levels:
        raise CourseError(f"{learner} has no graded level: run `course grade --learner {learner}`")
    return write_learner(root, person)


def write_cohort(root: Path, learners: list[Learner] | None = None) -> Path:
    learners = gather_cohort(root) if learners is None else learners
    if not learners:
        raise CourseError("nobody is graded yet: run `course grade` first")
    groups = list(by_group(learners))
    html = render_cohort(learners, groups)
    return _write(root / "reports" / "cohort.html", html)


def write_group(root: Path, name: str, learners: list[Learner] | None = None) -> Path:
    learners = gather_cohort(root) if learners is None else learners
    members = [p for p in learners if p.group == name]
    if not members:
        known = sorted({row["group"] for row in read_roster(root).values() if row["group"]})
        raise CourseError(f"no graded learner in group {name!r}"
                          + (f" (groups: {', '.join(known)})" if known else
                             " (roster.csv has no groups)"))
    return _write(root / "reports" / "groups" / group_file(name), render_group(name, members))


def write_all(root: Path) -> list[Path]:
    """Every learner's report, the cohort report, every group's report and grades.csv."""
    learners = gather_cohort(root)
    if not learners:
        raise CourseError("nobody is graded yet: run `course grade` first")
    written = [write_learner(root, p) for p in learners]
    written.append(write_cohort(root, learners))
    written += [write_group(root, g, learners) for g in by_group(learners)]
    written.append(write_export(root, learners))
    return written


def export(root: Path) -> Path:
    return write_export(root, gather_cohort(root))


def record_history(root: Path, learners: list[str]) -> None:
    """Add the latest graded results of these learners to their history.json (after grading)."""
    for who in sorted(set(learners)):
        person = gather_learner(root, who)
        if person.levels:
            history.update(root / "feedback" / who / "history.json", person)
