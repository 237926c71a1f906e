"""The output cap applies where outputs are stored (red-team finding 5), without a kernel.

nbclient's process_message applies an output update (update_display_data, or a display that reuses
a display_id) to outputs already stored, before and without calling output(), where the cap is
counted. In grading, updates are dropped and every stored byte is counted, per cell and per
notebook, whichever kernel's runner stored it.
"""

from __future__ import annotations

import nbformat

from course.grading.sandbox.inside.executor import CellRunner, OutputBudget


def _msg(msg_type: str, content: dict) -> dict:
    return {"msg_type": msg_type, "header": {"msg_type": msg_type}, "parent_header": {"msg_id": "m"},
            "content": content}


def _display(data: str, display_id: str | None = None, update: bool = False) -> dict:
    content = {"data": {"text/plain": data}, "metadata": {}}
    if display_id:
        content["transient"] = {"display_id": display_id}
    return _msg("update_display_data" if update else "display_data", content)


def _runner(nb, budget: OutputBudget, role: str = "learner") -> CellRunner:
    runner = CellRunner(nb, role=role, output_bytes=budget.per_cell, budget=budget)
    runner.reset_execution_trackers()  # what nbclient does when a run starts
    runner.clear_before_next_output = False
    return runner


def _size(cell) -> int:
    return sum(len(str(o)) for o in cell.outputs)


def test_a_display_update_never_rewrites_stored_outputs():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    runner = _runner(nb, OutputBudget(10_000, 100_000))
    cell = nb.cells[0]
    for _ in range(10):
        runner.process_message(_display("small", "flood"), cell, 0)
    runner.process_message(_display("y" * 1_000_000, "flood", update=True), cell, 0)
    runner.process_message(_display("z" * 1_000_000, "flood"), cell, 0)  # a display reusing the id
    assert len([o for o in cell.outputs if o.output_type == "display_data"]) == 10
    assert all(o.data["text/plain"] == "small" for o in cell.outputs if o.output_type == "display_data")
    assert _size(cell) < 10_000
    assert "[output cut" in cell.outputs[-1].text


def test_the_notebook_total_is_capped_across_cells_and_both_runners():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(str(i)) for i in range(6)])
    budget = OutputBudget(per_cell=4_000, total=10_000)
    learner, grader = _runner(nb, budget), _runner(nb, budget, role="grader")
    for index, cell in enumerate(nb.cells):
        runner = grader if index % 2 else learner
        for _ in range(3):
            runner.process_message(_msg("stream", {"name": "stdout", "text": "a" * 1_000}), cell, index)
    kept = sum(len(o.text) for cell in nb.cells for o in cell.outputs if not o.text.startswith("[output cut"))
    assert 9_000 <= kept <= 10_000  # the first cells keep theirs, the later ones are cut
    assert budget.used <= budget.total
    assert all(cell.outputs for cell in nb.cells)  # a cut cell says so


def test_an_error_is_kept_shortened_even_over_the_cap():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    budget = OutputBudget(per_cell=5_000, total=5_000)
    runner = _runner(nb, budget)
    cell = nb.cells[0]
    runner.process_message(_msg("stream", {"name": "stdout", "text": "a" * 4_500}), cell, 0)
    runner.process_message(_msg("error", {"ename": "ValueError", "evalue": "v" * 50_000,
                                          "traceback": ["line"] * 1000}), cell, 0)
    error = cell.outputs[-1]
    assert error.output_type == "error" and error.ename == "ValueError"
    assert len(error.evalue) < 5_000


def test_widget_state_counts_like_an_output():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    runner = _runner(nb, OutputBudget(10_000, 10_000))
    big = _msg("comm_msg", {"comm_id": "c1", "data": {"state": {"value": "s" * 100_000}}})
    runner.process_message(big, nb.cells[0], 0)
    assert "c1" not in runner.widget_state
