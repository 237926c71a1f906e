"""The real `course grade` and `course feedback` path on every notebook (graded once per session)."""

from __future__ import annotations

import html
import json
import re

import pytest

from course import criteria
from course.notebooks import grade_cells, is_test_cell, read_notebook, secret_lines

from .conftest import SOURCE_NOTEBOOKS, nb_id, run_course

pytestmark = pytest.mark.slow

# Notebooks with autograded test cells (a review notebook has only manually graded questions,
# so it has no hidden tests and scores nothing automatically), and the levels that have them.
AUTOGRADED_NOTEBOOKS = [p for p in SOURCE_NOTEBOOKS
                        if any(is_test_cell(cell) for cell in read_notebook(p).cells)]
AUTOGRADED_LEVELS = sorted({p.parent.name for p in AUTOGRADED_NOTEBOOKS})


def report(course, learner) -> dict:
    return json.loads((course / "feedback" / learner / "report.json").read_text())


def auto_criteria(course, learner, level) -> dict[str, dict]:
    return {c["id"]: c for c in report(course, learner)["levels"][level]["criteria"] if not c["manual"]}


@pytest.mark.parametrize("level", AUTOGRADED_LEVELS)
def test_reference_gets_full_autograded_marks(graded_course, level):
    got = auto_criteria(graded_course, "reference", level)
    missed = {cid: c["message"] for cid, c in got.items() if not c["passed"]}
    assert got and not missed, f"the reference loses points through `course grade`: {missed}"
    summary = report(graded_course, "reference")["levels"][level]
    assert summary["score"] == summary["max_score"] > 0


@pytest.mark.parametrize("level", AUTOGRADED_LEVELS)
def test_untouched_release_gets_zero(graded_course, level):
    summary = report(graded_course, "blank")["levels"][level]
    assert summary["score"] == 0 and summary["max_score"] > 0
    for c in summary["criteria"]:
        if not c["manual"]:
            assert c["message"], f"{c['id']} failed without a message for the learner"


def test_partial_learner_loses_only_its_mistakes(graded_course):
    if not (graded_course / "source" / "level1" / "01-ml-fundamentals.ipynb").exists():
        pytest.skip("level1/01-ml-fundamentals is not in the course")
    got = auto_criteria(graded_course, "partial", "level1")
    lost = {cid for cid, c in got.items() if not c["passed"]}
    assert lost == {"l1_preprocessing", "l1_metrics"}
    assert got["l1_metrics"]["hint"] == criteria.get("l1_metrics").hint


def _text(path) -> str:
    """What a reader of the file sees: tags removed, entities decoded."""
    raw = path.read_text(errors="replace")
    if path.suffix == ".html":
        raw = re.sub(r"<style.*?</style>", " ", raw, flags=re.S)
        raw = html.unescape(re.sub(r"<[^>]+>", "", raw))
    return raw


@pytest.mark.parametrize("path", AUTOGRADED_NOTEBOOKS, ids=nb_id)
def test_no_hidden_test_source_in_feedback(graded_course, path):
    # A hidden line that a learner can read in any released notebook gives nothing away.
    public = "\n".join(_text(p) for p in (graded_course / "release").rglob("*.ipynb"))
    secrets = {line for line in secret_lines(read_notebook(path)) if line not in public}
    assert secrets, f"{path.name} has no hidden tests"
    feedback = graded_course / "feedback"
    files = [*feedback.glob(f"*/{path.parent.name}/{path.stem}.html"), *feedback.glob("*/report.json")]
    assert any(f.suffix == ".html" for f in files)
    for f in files:
        text = _text(f)
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{f.relative_to(graded_course)} shows hidden test code: {leaked[:2]}"


def test_gradebook_is_readable_by_nbgrader(graded_course):
    proc = run_course(graded_course, "--help")
    assert proc.returncode == 0
    import subprocess
    import sys
    from pathlib import Path

    nbgrader = Path(sys.executable).parent / "nbgrader"
    out = subprocess.run([str(nbgrader), "db", "student", "list"], cwd=graded_course,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for learner in ("reference", "blank", "leaky"):
        assert learner in out.stdout


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_every_test_cell_is_graded(graded_course, path):
    level = path.parent.name
    ids = {gid for gid, cell in grade_cells(read_notebook(path)) if is_test_cell(cell)}
    assert ids <= set(auto_criteria(graded_course, "reference", level))
