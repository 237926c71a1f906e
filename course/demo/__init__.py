"""`course demo`: release the course, grade a sample cohort and write its feedback."""

from __future__ import annotations

import csv
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import nbformat

from ..feedback import write_feedback
from ..grading import JobResult, grade
from ..init import init_course
from ..notebooks import read_notebook
from ..release import release
from ..samples import learner_notebook
from ..submit import submit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SampleLearner:
    """A learner of the demo cohort and the work they hand in."""

    id: str
    name: str
    group: str
    work: str  # "reference", "blank", or the stem of a file in course/demo/work/<level>/


COHORT: tuple[SampleLearner, ...] = (
    SampleLearner("ada", "Ada Lovelace", "tuesday", "reference"),
    SampleLearner("ben", "Ben Okafor", "tuesday", "partial"),
    SampleLearner("cy", "Cy Moreau", "thursday", "blank"),
)


def work_file(level: str, stem: str) -> str | None:
    """The override code a sample learner hands in for a level, or None when they have none."""
    path = resources.files("course.demo").joinpath("work", level, f"{stem}.py")
    return path.read_text() if path.is_file() else None


def write_roster(root: Path) -> Path:
    roster = root / "roster.csv"
    if not roster.exists():
        with roster.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["learner_id", "name", "group"])
            writer.writerows((s.id, s.name, s.group) for s in COHORT)
    return roster


def hand_in(root: Path, learner: SampleLearner, level: str) -> None:
    """Write the learner's notebooks of a level to a temp folder and submit them."""
    with tempfile.TemporaryDirectory(prefix=f"demo-{learner.id}-") as tmp:
        for release_nb in sorted((root / "release" / level).glob("*.ipynb")):
            source_nb = root / "source" / level / release_nb.name
            if learner.work == "blank":
                nb = read_notebook(release_nb)
            else:
                override = None if learner.work == "reference" else work_file(level, learner.work)
                nb = learner_notebook(source_nb, release_nb, override)
            nbformat.write(nb, Path(tmp) / release_nb.name)
        submit(root, level, learner.id, Path(tmp))


def run_demo(root: Path, progress: Callable[[JobResult], None] | None = None) -> list[JobResult]:
    """Release every level, hand in the sample cohort's work, grade it and write its feedback."""
    write_roster(root)
    init_course(root)
    levels = release(root)
    for level in levels:
        for learner in COHORT:
            hand_in(root, learner, level)
    results = grade(root, [(s.id, lvl) for s in COHORT for lvl in levels], progress)
    write_feedback(root)
    return results


__all__ = ["COHORT", "SampleLearner", "run_demo"]
