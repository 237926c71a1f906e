"""Issue 13's attacks, and our own, through the real `course grade` and `course feedback`.

One learner per attack (tests/engine/fixtures/attacks.py), graded once, sandboxed: each scores
exactly what its honest answers are worth (0 for the issue's attacks, full marks for
`reach-others`, whose answers are right), grading never fails for it, and no hidden test reaches
its feedback or its graded notebook. Each attack was first run against the engine it was written
for (see the module docstring of the fixtures): every one of them changed a score, failed the
grading or leaked the hidden tests there.
"""

from __future__ import annotations

import ast
import base64
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import determine_grade

from course.gradebook import open_gradebook
from course.grading.record.scores import level_results
from course.grading.sandbox import host as sandbox_mod
from course.notebooks import is_test_cell

from .fixtures import attacks
from .fixtures.build import HIDDEN_WORDS, NOTEBOOK
from .test_engine import FIXTURES, make_engine_course, record, run_course

pytestmark = pytest.mark.skipif(not sandbox_mod.sandbox_available(),
                                reason="bubblewrap cannot run here")

LEVEL1 = sorted({*attacks.LEVEL1, *attacks.OWN})
LEVEL2 = "kernelspec-entry-point"
SECRET = HIDDEN_WORDS.strip("' ")  # "hidden  secret words"
#: score each attack must get: its answers' honest worth
FULL = {"reach-others": 4, "print-while-tested": 4, "correct": 4}


def _hand_in(course: Path, learner: str, level: str, notebooks: dict[str, str]) -> None:
    folder = course / "submitted" / learner / level
    folder.mkdir(parents=True)
    for name, text in notebooks.items():
        (folder / name).write_text(text)
    (folder / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC\n")


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    course = make_engine_course(tmp_path_factory.mktemp("attacks"))
    run_course(course, "release", "level2")
    for name in LEVEL1:
        if (FIXTURES / f"attack-{name}").is_dir():  # all but the generated ones
            _hand_in(course, name, "level1",
                     {NOTEBOOK: (FIXTURES / f"attack-{name}" / NOTEBOOK).read_text()})
    release = nbformat.read(course / "release" / "level1" / NOTEBOOK, as_version=4)
    _hand_in(course, "oversized", "level1",
             {NOTEBOOK: nbformat.writes(attacks.LEVEL1["oversized"](release))})
    _hand_in(course, "correct", "level1",
             {NOTEBOOK: (FIXTURES / "submitted-correct" / NOTEBOOK).read_text()})
    _hand_in(course, LEVEL2, "level2",
             {p.name: p.read_text() for p in (FIXTURES / f"attack-{LEVEL2}").glob("*.ipynb")})
    proc = run_course(course, "grade", "--workers", "2", check=False, timeout=1800)
    feedback = run_course(course, "feedback", check=False, timeout=1800)
    return course, proc, feedback


def _outputs(course: Path, learner: str, level: str, *, tests: bool = True) -> str:
    """The outputs of the learner's graded notebooks (with `tests=False`, of its own cells only:
    test cells' tracebacks quote hidden tests for the instructor; feedback removes them)."""
    parts = []
    for path in sorted((course / "autograded" / learner / level).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if not tests and is_test_cell(cell):
                continue
            for out in cell.get("outputs", []):
                parts.append(str(out.get("text", "")) + json.dumps(out.get("data", {}))
                             + str(out.get("evalue", "")) + "".join(out.get("traceback", [])))
    return "\n".join(parts)


def _feedback(course: Path, learner: str, level: str) -> str:
    return "\n".join(p.read_text(errors="replace")
                     for p in sorted((course / "feedback" / learner / level).glob("*.html")))


def _decoded(text: str) -> str:
    """The text and every base64 payload a learner printed after "LEAK:", decoded."""
    found = [text]
    for payload in re.findall(r"LEAK:([A-Za-z0-9+/=]+)", text):
        found.append(base64.b64decode(payload + "===").decode(errors="replace"))
    return "\n".join(found)


@pytest.mark.parametrize("learner", [*LEVEL1, "correct"])
def test_each_attack_scores_what_its_answers_are_worth(attacked, learner):
    course, proc, _ = attacked
    results = level_results(course, "level1", learner)
    assert results, proc.stdout + proc.stderr
    got = {c.id: (c.score, c.message) for c in results}
    assert sum(c.score for c in results) == FULL.get(learner, 0), got
    assert f"{learner} level1: grading failed" not in proc.stderr


def test_kernelspec_and_entry_point_reach_no_later_notebook(attacked):
    course, proc, _ = attacked
    results = level_results(course, "level2", LEVEL2)
    assert {c.id: c.score for c in results} == {"t_double": 0, "t_triple": 0}, proc.stderr
    text = _outputs(course, LEVEL2, "level2", tests=False)
    assert "planted: True" in text  # the attack did write its files...
    assert "stolen files: []" in text and SECRET not in text  # ...which nothing loaded
    assert "carried over: []" in text  # ...and which the next notebook does not find


@pytest.mark.parametrize("learner", [*LEVEL1, LEVEL2])
def test_no_hidden_test_reaches_feedback_or_outputs(attacked, learner):
    course, *_ = attacked
    level = "level2" if learner == LEVEL2 else "level1"
    assert SECRET not in _decoded(_outputs(course, learner, level, tests=False))
    assert SECRET not in _decoded(_feedback(course, learner, level))


def test_test_cells_are_not_seen_by_learner_hooks(attacked):
    course, *_ = attacked
    text = _outputs(course, "copy-test-cells", "level1")
    [payload] = re.findall(r"LEAK:([A-Za-z0-9+/=]*)", text)
    copied = base64.b64decode(payload + "===").decode()
    assert "as_int" not in copied and "assert_close" not in copied  # no test cell, visible or hidden


def test_nothing_printed_while_tests_run_reaches_feedback(attacked):
    course, *_ = attacked
    outputs = _outputs(course, "print-while-tested", "level1")
    feedback = _feedback(course, "print-while-tested", "level1")
    assert "PRINTED WHILE TESTED 2 2" in outputs  # printed by the learner's own cell: kept
    for text in (outputs, feedback):
        assert "PRINTED WHILE TESTED 1 2" not in text  # printed while t_add called add(1, 2)
        # printed while the hidden test called words(' hidden  secret words ')
        assert "PRINTED WHILE TESTED 40 2" not in text and "hidden  secret" not in text


def test_the_scoring_rule_ignores_execute_results(attacked):
    course, proc, _ = attacked
    for learner in ("execute-result", "execute-result-99"):
        assert sum(c.score for c in level_results(course, "level1", learner)) == 0
        assert not record(course, learner)["flags"]
    assert "grading failed" not in proc.stderr


def test_error_output_counts_toward_the_cap(attacked):
    course, *_ = attacked
    path = course / "autograded" / "error-flood" / "level1" / NOTEBOOK
    assert path.stat().st_size < 3 * 1024**2
    assert "characters cut" in _outputs(course, "error-flood", "level1")


def test_a_job_gets_about_one_core(attacked):
    course, *_ = attacked
    rec = record(course, "cpu-hog")
    if not any("cpu" in item for item in rec["isolation"]):
        pytest.skip("no writable cpu cgroup here: " + "; ".join(rec["missing"]))
    [used] = re.findall(r"cpu cores used: ([0-9.]+)", _outputs(course, "cpu-hog", "level1"))
    assert float(used) <= 1.25, used  # four busy processes, a one-core share


def test_an_oversized_notebook_is_not_graded(attacked):
    course, proc, _ = attacked
    rec = record(course, "oversized")
    assert "over the course's limit of 5.0 MB per notebook" in rec["errors"]["01-engine"]
    assert all(c.score == 0 for c in level_results(course, "level1", "oversized"))
    assert "Traceback" not in proc.stderr


def test_an_oversized_notebook_is_refused_at_submit(attacked, tmp_path):
    course, *_ = attacked
    release = nbformat.read(course / "release" / "level1" / NOTEBOOK, as_version=4)
    nbformat.write(attacks.LEVEL1["oversized"](release), tmp_path / NOTEBOOK)
    before = sorted(p.name for p in (course / "submitted").iterdir())
    out = run_course(course, "submit", "level1", "--learner", "big", "--from", str(tmp_path),
                     check=False)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "over the course's limit of 5.0 MB per notebook" in out.stderr
    assert "Clear Outputs" in out.stderr
    assert sorted(p.name for p in (course / "submitted").iterdir()) == before


def test_learner_code_reaches_no_other_process_socket_or_file(attacked):
    course, *_ = attacked
    text = _outputs(course, "reach-others", "level1")
    assert int(re.search(r"other processes: (\d+)", text).group(1)) >= 3  # launcher, executor, grader
    reached = ast.literal_eval(re.search(r"reached: (\{.*\})", text).group(1))
    assert reached == {"signalled": [], "traced": [], "read": [], "sockets": [], "files": []}


def test_gradebook_and_autograded_notebooks_agree(attacked):
    course, *_ = attacked
    with open_gradebook(course) as gb:
        for level in ("level1", "level2"):
            for sub in gb.assignment_submissions(level):
                for nb_sub in sub.notebooks:
                    path = course / "autograded" / sub.student.id / level / f"{nb_sub.name}.ipynb"
                    if not path.exists():
                        continue
                    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c
                             for c in nbformat.read(path, as_version=4).cells}
                    for grade in nb_sub.grades:
                        if grade.cell.cell_type != "code":
                            continue
                        assert determine_grade(cells[grade.name])[0] == grade.auto_score, (
                            sub.student.id, grade.name)


def test_feedback_runs_for_every_graded_learner(attacked):
    course, _proc, feedback = attacked
    assert "Traceback" not in feedback.stderr, feedback.stderr[-2000:]
    for learner in [*LEVEL1, "correct"]:
        if learner != "oversized":  # nothing of it was graded
            assert list((course / "feedback" / learner / "level1").glob("*.html")), learner

