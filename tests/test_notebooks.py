"""Every notebook's hidden tests, run in one process: the reference passes, each wrong answer fails.

Each file in tests/wrong/<level>/<notebook>/ is a realistic mistake; it must lose exactly the
criteria it declares in FAILS and keep every other one. Files named ok_*.py are correct answers
written another way than the reference (FAILS = set()): the tests must not demand more than the spec.
"""

from __future__ import annotations

import pytest

from course.notebooks import grade_cells, is_test_cell, read_notebook

from .conftest import SOURCE_NOTEBOOKS, nb_id
from .nbharness import declared_fails, run_reference, run_wrong, wrong_files

WRONG_CASES = [(nb, wrong) for nb in SOURCE_NOTEBOOKS for wrong in wrong_files(nb)]


def autograded_ids(path) -> set[str]:
    return {gid for gid, cell in grade_cells(read_notebook(path)) if is_test_cell(cell)}


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_reference_passes_every_test_cell(path):
    outcome = run_reference(path)
    assert set(outcome.results) == autograded_ids(path)
    failures = {gid: msg for gid, msg in outcome.results.items() if msg}
    assert not failures, f"the reference solution fails: {failures}"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_every_autograded_criterion_rejects_a_wrong_answer(path):
    covered = set().union(*(declared_fails(w) for w in wrong_files(path)))
    uncovered = sorted(autograded_ids(path) - covered)
    assert not uncovered, f"criteria with no wrong implementation in tests/wrong/: {uncovered}"


@pytest.mark.parametrize(("path", "wrong"), WRONG_CASES,
                         ids=[f"{nb_id(n)}:{w.stem}" for n, w in WRONG_CASES])
def test_wrong_answer_loses_exactly_its_criteria(path, wrong):
    expected = declared_fails(wrong)
    assert expected <= autograded_ids(path), f"{wrong.name}: FAILS must name criteria of {path.name}"
    # ok_*.py files are correct answers written differently: they must keep every criterion.
    assert bool(expected) != wrong.name.startswith("ok_"), (
        f"{wrong.name}: name correct alternatives ok_*.py with FAILS = set(), mistakes otherwise")
    outcome = run_wrong(path, wrong)
    assert outcome.failed == expected, (
        f"{wrong.name} lost {sorted(outcome.failed)}, expected {sorted(expected)}; "
        + "; ".join(f"{gid}: {outcome.results.get(gid)}" for gid in sorted(outcome.failed ^ expected))
    )
    for gid in expected:
        message = outcome.results[gid]
        assert "AssertionError: " not in message or len(message) > len("AssertionError: ") + 10, (
            f"{gid} fails {wrong.name} without telling the learner why")


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_test_cells_end_with_a_statement(path):
    """nbgrader reads a value shown by a test cell's last expression as its score: never end on one."""
    import ast

    for gid, cell in grade_cells(read_notebook(path)):
        if not is_test_cell(cell):
            continue
        body = ast.parse(cell.source).body
        assert body, f"{gid} is empty"
        last = body[-1]
        returns_nothing = (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
                           and isinstance(last.value.func, ast.Name)
                           and last.value.func.id in {"check", "assert_close", "assert_equal", "print"})
        assert not isinstance(last, ast.Expr) or returns_nothing, (
            f"{gid} ends with an expression; end it with an assert or an assignment")
