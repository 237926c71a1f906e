"""A notebook over two real kernels: learner cells in one, test cells in the other, in order."""

from __future__ import annotations

import nbformat
import pytest

from course.boundary.interleave import TwoKernels, names_used, plan
from course.notebooks import is_test_cell


def notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for kind, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        if kind == "test":
            cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                         "grade_id": f"t{len(nb.cells)}", "points": 1}
        nb.cells.append(cell)
    return nb


def run(nb: nbformat.NotebookNode) -> dict[int, str]:
    steps = plan(nb.cells, is_test_cell)
    results = {}
    with TwoKernels(names_used(steps)) as kernels:
        for step in steps:
            if step.kernel == "grader":
                result = kernels.run_test(step.source)
                results[step.index] = "ok" if result.status == "ok" else f"{result.ename}: {result.evalue}"
            else:
                kernels.run_learner(step.source)
    return results


@pytest.fixture(scope="module")
def outcome() -> dict[int, str]:
    return run(notebook(
        ("learner", "def double(x):\n    return 2 * x\n"),
        ("test", "from course.testing import check\ncheck(double(21) == 42, 'doubles')\n"),
        # a learner cell after a test cell: the learner kernel runs its cells in notebook order
        ("learner", "def double(x):\n    return 3 * x\n"),
        ("test", "from course.testing import check\ncheck(double(21) == 42, 'doubles')\n"),
        # the cheats, tried in the learner kernel, cannot reach the grader kernel
        ("learner", "import course.testing, sys\ncourse.testing.check = lambda *a, **k: None\n"
                    "sys.modules['course.testing.asserts'].check = lambda *a, **k: None\n"
                    "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n"
                    "get_ipython().events.register('post_run_cell', lambda r: None)\n"
                    "def triple(x):\n    return 0\n"),
        ("test", "from course.testing import check\ncheck(triple(2) == 6, 'triples')\n"),
        ("test", "x = secret_name_not_defined\n"),
        ("learner", "import time\ndef slow():\n    time.sleep(600)\n"),
        ("test", "print('a test cell that passes after the others')\n"),
    ))


def test_test_cells_see_the_learner_definitions_of_their_moment(outcome):
    assert outcome[1] == "ok"
    assert outcome[3].startswith("AssertionError: doubles")


def test_cheats_in_the_learner_kernel_do_not_reach_the_tests(outcome):
    assert outcome[5].startswith("AssertionError: triples")


def test_a_name_the_learner_never_defined_is_a_name_error(outcome):
    assert outcome[6].startswith("NameError")


def test_plan_keeps_notebook_order_and_sends_test_cells_to_the_grader():
    nb = notebook(("learner", "a = 1"), ("test", "b = 2"), ("learner", "c = 3"))
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("prose"))
    steps = plan(nb.cells, is_test_cell)
    assert [(s.kernel, s.index) for s in steps] == [("learner", 0), ("grader", 2), ("learner", 3)]
    assert names_used(steps) == []
