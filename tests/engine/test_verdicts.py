"""The course's scoring rule, as nbgrader's own determine_grade then reads it."""

from __future__ import annotations

import nbformat
import pytest
from nbgrader.utils import determine_grade

from course.grading.record.verdicts import not_run, partial_credit_cells, settle, unscorable


def make_cell(gid: str = "t", points: float = 2, outputs: list | None = None,
              tags: list | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("check()")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "task": False,
                                 "grade_id": gid, "points": points, "schema_version": 3}
    if tags:
        cell.metadata["tags"] = tags
    cell.outputs = [nbformat.from_dict(o) for o in outputs or []]
    return cell


def result(text: str) -> dict:
    return {"output_type": "execute_result", "data": {"text/plain": text}, "metadata": {},
            "execution_count": 1}


ERROR = {"output_type": "error", "ename": "AssertionError", "evalue": "no", "traceback": []}


def score(cell: nbformat.NotebookNode) -> float:
    return determine_grade(cell)[0]


@pytest.mark.parametrize(("outputs", "expected"), [
    ([], 2), ([ERROR], 0), ([result("'full marks'")], 2), ([result("99")], 2),
    ([result("0")], 2), ([result("0"), ERROR], 0),
])
def test_a_test_passes_when_it_ran_to_its_end_without_an_error(outputs, expected):
    nb = nbformat.v4.new_notebook(cells=[make_cell(outputs=outputs)])
    assert settle(nb, "n", partial=set(), flags=[]) == []
    assert score(nb.cells[0]) == expected
    assert not any(o.output_type == "execute_result" for o in nb.cells[0].outputs)


@pytest.mark.parametrize(("text", "expected", "flagged"), [
    ("1.5", 1.5, False), ("0", 0, False), ("2", 2, False), ("99", 0, True), ("-1", 0, True),
    ("'half'", 0, True), ("nan", 0, True),
])
def test_partial_credit_only_where_asked_and_only_a_number_in_range(text, expected, flagged):
    nb = nbformat.v4.new_notebook(cells=[make_cell(outputs=[result(text)],
                                                   tags=["partial-credit"])])
    assert partial_credit_cells(nb) == ["t"]
    new = settle(nb, "n", partial={"t"}, flags=[])
    assert score(nb.cells[0]) == expected
    assert bool(new) == flagged
    if flagged:
        assert new[0]["criterion"] == "t" and "not a number from 0 to 2" in new[0]["message"]


def test_an_integrity_flag_zeroes_its_criterion_in_the_notebook_too():
    nb = nbformat.v4.new_notebook(cells=[make_cell("a"), make_cell("b")])
    settle(nb, "n", partial=set(), flags=[{"criterion": "a", "notebook": "n", "message": "edited"},
                                          {"criterion": "b", "notebook": "other", "message": "x"}])
    assert [score(c) for c in nb.cells] == [0, 2]
    assert nb.cells[0].outputs[0].ename == "IntegrityFlag"


def test_not_run_and_unscorable_notebooks_score_zero_with_a_reason():
    nb = nbformat.v4.new_notebook(cells=[make_cell("a"), make_cell("b")])
    not_run(nb, "the kernel died")
    assert [score(c) for c in nb.cells] == [0, 0]
    assert "the kernel died" in nb.cells[0].outputs[0].evalue
    nb = nbformat.v4.new_notebook(cells=[make_cell("a")])
    flags = unscorable(nb, "n", "ValueError: boom")
    assert score(nb.cells[0]) == 0 and flags[0]["criterion"] == "a"
