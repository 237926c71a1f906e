"""Red-team attacks on issue 13's boundary, through the real `course grade` and `course feedback`.

One learner per attack (tests/engine/redteam/build.py), graded once, sandboxed. Each must score
exactly what its honest answers are worth (0 from blank answers, full marks for the `*-leak`
ones, whose answers are right), grading never fails for it, and no hidden test (HIDDEN_MARK)
reaches its feedback or its own cells' outputs, even base64-encoded. These tests fail until the
weaknesses in /work/notes/redteam-findings.md are fixed; that file says which line each uses.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from course.grading.record.scores import level_results
from course.grading.sandbox import host as sandbox_mod
from course.notebooks import is_test_cell

from ..conftest import ROOT
from .redteam.build import ANSWERS, ATTACKS, HIDDEN_MARK, HOST_SECRET, LEVEL, NOTEBOOK, WORTH
from .test_engine import run_course

REDTEAM = Path(__file__).resolve().parent / "redteam"

#: generous time limits: the machine is shared and the attacks wait for their payloads
LIMITS = """
c.GradingLimits.cell_timeout = 40
c.GradingLimits.notebook_timeout = 300
c.GradingLimits.memory_bytes = 2 * 1024**3
c.GradingLimits.max_processes = 64
"""

pytestmark = pytest.mark.skipif(not sandbox_mod.sandbox_available(),
                                reason="bubblewrap cannot run here")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("redteam")
    (course / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text() + LIMITS)
    shutil.copytree(REDTEAM / "source", course / "source")
    run_course(course, "init")
    run_course(course, "release", LEVEL)
    for name in [*ATTACKS, "correct"]:
        folder = REDTEAM / ("submitted-correct" if name == "correct" else f"attack-{name}")
        target = course / "submitted" / name / LEVEL
        target.mkdir(parents=True)
        shutil.copy(folder / NOTEBOOK, target / NOTEBOOK)
        (target / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC\n")
    proc = run_course(course, "grade", LEVEL, "--workers", "2", check=False, timeout=1800)
    run_course(course, "feedback", LEVEL, check=False, timeout=1800)
    return course, proc


def _decoded(text: str) -> str:
    found = [text]
    for payload in re.findall(r"LEAK:([A-Za-z0-9+/=]+)", text):
        found.append(base64.b64decode(payload + "===").decode(errors="replace"))
    return "\n".join(found)


def _own_outputs(course: Path, learner: str) -> str:
    parts = []
    for path in sorted((course / "autograded" / learner / LEVEL).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if is_test_cell(cell):
                continue
            for out in cell.get("outputs", []):
                parts.append(str(out.get("text", "")) + json.dumps(out.get("data", {}))
                             + str(out.get("evalue", "")) + "".join(out.get("traceback", [])))
    return "\n".join(parts)


def _feedback(course: Path, learner: str) -> str:
    return "\n".join(p.read_text(errors="replace")
                     for p in sorted((course / "feedback" / learner / LEVEL).glob("*.html")))


@pytest.mark.parametrize("learner", [*ATTACKS, "correct"])
def test_each_attack_scores_what_its_answers_are_worth(graded, learner):
    course, proc = graded
    results = level_results(course, LEVEL, learner)
    assert results, proc.stdout + proc.stderr
    got = {c.id: c.score for c in results}
    assert sum(got.values()) == WORTH.get(learner, len(ANSWERS)), got
    assert f"{learner} {LEVEL}: grading failed" not in proc.stderr
    assert not re.search(rf"could not be graded:.*\b{re.escape(learner)} {LEVEL}:", proc.stderr)


@pytest.mark.parametrize("learner", [*ATTACKS, "correct"])
def test_no_hidden_test_reaches_the_learner(graded, learner):
    course, _ = graded
    assert HIDDEN_MARK not in _decoded(_own_outputs(course, learner))
    assert HIDDEN_MARK not in _decoded(_feedback(course, learner))


@pytest.mark.parametrize("learner", [*ATTACKS, "correct"])
def test_no_file_of_the_grading_machine_reaches_the_learner(graded, learner):
    course, _ = graded
    try:
        first = Path(HOST_SECRET).read_text().splitlines()[0][:20]
    except (OSError, IndexError):
        pytest.skip(f"{HOST_SECRET} cannot be read here")
    assert first not in _feedback(course, learner)
    assert first not in _decoded(_own_outputs(course, learner))
