"""`course demo`: release the course, grade a sample cohort (with second attempts) and report on it.

What a sample learner hands in for a level is named by a work name:

- "reference": the source's solutions; "blank": the release notebooks untouched;
- a file course/demo/work/<level>/<name>.py: definitions that replace the reference's in every
  notebook of the level (see course.samples);
- a folder course/demo/work/<level>/<name>/: per notebook, <notebook>.py replaces definitions in
  that notebook only, <notebook>.untouched hands it in as released, and a notebook with neither
  gets the reference answers.

The demo runs in a scratch course of its own, `demo/` in the course folder (course.scratch),
rebuilt on every run: it never touches the instructor's gradebook, submissions, feedback, reports
or roster, nor a learner's workspace.

Each learner lists, per level, the work of each attempt, oldest first: every attempt is graded in
its own round, so history.json shows the learner's progress. A level without notebooks in
source/ is skipped, so adding a level to the demo is one line in COHORT.
"""

from __future__ import annotations

import csv
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import nbformat

from course import scratch
from course.config import CourseError, available_levels, is_scratch
from course.feedback import write_feedback
from course.gradebook import grade_by_hand
from course.grading import JobResult, grade
from course.init import init_course
from course.notebooks import read_notebook
from course.release import release
from course.reports.build import record_history, write_all
from course.samples import learner_notebook
from course.submit import submit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SampleLearner:
    """A learner of the demo cohort and the work they hand in, per level and attempt."""

    id: str
    name: str
    group: str
    work: dict[str, tuple[str, ...]] = field(default_factory=dict)


COHORT: tuple[SampleLearner, ...] = (
    SampleLearner("ada", "Ada Lovelace", "tuesday",
                  {"level1": ("reference",), "level2": ("partial", "reference"),
                   "level3": ("reference",)}),
    SampleLearner("ben", "Ben Okafor", "tuesday", {"level1": ("partial", "reference")}),
    SampleLearner("cy", "Cy Moreau", "thursday", {"level1": ("blank",)}),
    SampleLearner("dee", "Dee Ramachandran", "tuesday", {"level1": ("seed-sample",)}),
    SampleLearner("eli", "Eli Novak", "thursday", {"level1": ("leakage",)}),
    SampleLearner("fay", "Fay Adeyemi", "thursday", {"level1": ("serving",)}),
    SampleLearner("gus", "Gus Lindqvist", "tuesday", {"level1": ("pipeline-gaps",)}),
    SampleLearner("hana", "Hana Sato", "thursday",
                  {"level1": ("reference",), "level2": ("partial",)}),
)

#: What an instructor grades by hand in formgrader during the demo: (learner, level, grade_id,
#: points, comment). Hana's write-up stays "awaiting instructor".
MANUAL_GRADES: tuple[tuple[str, str, str, float, str], ...] = (
    ("ada", "level2", "l2_design_writeup", 3.0,
     "Clear threat model. The latency budget leaves out the feature store lookup: add it."),
)


#: The demo's scratch course, inside the course folder (git-ignored).
DEMO_FOLDER = "demo"


def demo_course(root: Path) -> Path:
    """The demo's scratch course, emptied and set up afresh from the course at `root`."""
    folder = Path(root) / DEMO_FOLDER
    scratch.prepare(root, folder, "demo", fresh=True)
    return folder


def _work_dir(level: str, name: str):
    return resources.files("course.demo").joinpath("work", level, name)


def work_file(level: str, stem: str) -> str | None:
    """The override code a sample learner hands in for a whole level, or None when they have none."""
    path = resources.files("course.demo").joinpath("work", level, f"{stem}.py")
    return path.read_text() if path.is_file() else None


def notebook_work(level: str, name: str, notebook: str) -> tuple[bool, str | None]:
    """(blank, override) of one notebook for a work name."""
    if name == "blank":
        return True, None
    if name == "reference":
        return False, None
    whole = work_file(level, name)
    if whole is not None:
        return False, whole
    folder = _work_dir(level, name)
    if not folder.is_dir():
        raise FileNotFoundError(f"no demo work {level}/{name} in course/demo/work")
    if folder.joinpath(f"{notebook}.untouched").is_file():
        return True, None
    own = folder.joinpath(f"{notebook}.py")
    return False, own.read_text() if own.is_file() else None


def write_roster(root: Path) -> Path:
    roster = root / "roster.csv"
    if not roster.exists():
        with roster.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["learner_id", "name", "group"])
            writer.writerows((s.id, s.name, s.group) for s in COHORT)
    return roster


def hand_in(root: Path, learner: SampleLearner, level: str, work: str) -> None:
    """Write the learner's notebooks of a level to a temp folder and submit them."""
    with tempfile.TemporaryDirectory(prefix=f"demo-{learner.id}-") as tmp:
        for release_nb in sorted((root / "release" / level).glob("*.ipynb")):
            blank, override = notebook_work(level, work, release_nb.stem)
            if blank:
                nb = read_notebook(release_nb)
            else:
                nb = learner_notebook(root / "source" / level / release_nb.name, release_nb,
                                      override)
            nbformat.write(nb, Path(tmp) / release_nb.name)
        submit(root, level, learner.id, Path(tmp))


def rounds(levels: list[str]) -> list[list[tuple[SampleLearner, str, str]]]:
    """Grading rounds: round i holds every (learner, level, work) of attempt i."""
    out: list[list[tuple[SampleLearner, str, str]]] = []
    for learner in COHORT:
        for level in levels:
            for i, work in enumerate(learner.work.get(level, ())):
                while len(out) <= i:
                    out.append([])
                out[i].append((learner, level, work))
    return out


def demo_steps(root: Path) -> int:
    """How many steps run_demo reports to its progress callback: grading jobs, feedback, reports."""
    attempts = rounds(available_levels(root))
    return sum(len(r) for r in attempts) + len({(s.id, lvl) for r in attempts for s, lvl, _ in r}) + 1


def run_demo(root: Path, progress: Callable[[JobResult | None], None] | None = None
             ) -> list[JobResult]:
    """Release every level, hand in and grade each round of attempts, then write every report.

    `root` is the course the demo writes into: demo_course(...), never an instructor's own.
    """
    if not is_scratch(root):
        raise CourseError(f"{root} is not the demo's scratch course: run the demo in demo_course()")
    write_roster(root)
    init_course(root)
    levels = release(root)
    results: list[JobResult] = []
    for attempt in rounds(levels):
        for learner, level, work in attempt:
            hand_in(root, learner, level, work)
        # The demo cohort is the course's own sample work: sandboxed where bubblewrap runs, process
        # limits elsewhere (macOS), rather than refusing as cohort grading of real learners does.
        results += grade(root, [(s.id, lvl) for s, lvl, _ in attempt], progress, isolation="best")
        record_history(root, [r.learner for r in results if r.ok])
    for args in MANUAL_GRADES:
        grade_by_hand(root, *args)
    write_feedback(root, progress=(lambda _who: progress(None)) if progress else None)
    write_all(root)
    if progress:
        progress(None)
    return results


__all__ = ["COHORT", "DEMO_FOLDER", "SampleLearner", "demo_course", "demo_steps", "run_demo"]
