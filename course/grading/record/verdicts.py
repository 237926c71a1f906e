"""The course's scoring rule, written into the executed notebook before nbgrader reads its scores.

A test cell passes when it ran to its end in the grader kernel without an error. nbgrader reads
more into a cell's outputs: an `execute_result` is taken as a partial score (and one above the
cell's points stops grading with a ValueError). Here:

- a test cell whose instructor asked for partial credit (cell tag `partial-credit` in the source
  notebook) may report a number from 0 to its points as its last value; anything else it reports
  is a scoring error;
- in every other test cell an `execute_result` is only a display (`display_data`);
- a criterion with an integrity flag, or that could not be scored, gets an error output saying so.

nbgrader's SaveAutoGrades then computes from these outputs exactly the score the course means,
so the gradebook and the notebook in autograded/ agree: rerunning nbgrader's own `determine_grade`
on the stored notebook gives the gradebook's score.
"""

from __future__ import annotations

import math

import nbformat
from nbformat import NotebookNode

from course.notebooks import is_test_cell, nbgrader_meta

PARTIAL_CREDIT_TAG = "partial-credit"


def error_output(ename: str, message: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=message,
                                  traceback=[f"{ename}: {message}"])


def partial_credit_cells(nb: NotebookNode) -> list[str]:
    """grade_ids of the test cells that ask for partial credit (from the instructor's notebook)."""
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells
            if is_test_cell(c) and PARTIAL_CREDIT_TAG in c.get("metadata", {}).get("tags", [])]


def _reported_score(output: NotebookNode) -> float | None:
    text = output.get("data", {}).get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def settle(nb: NotebookNode, notebook: str, *, partial: set[str], flags: list[dict]) -> list[dict]:
    """Rewrite the test cells' outputs so that nbgrader scores them by the course's rule.

    `flags` are the job's integrity flags; the new flags (scoring errors) are returned."""
    flagged = {f["criterion"]: f["message"] for f in flags
               if f.get("criterion") and f.get("notebook") == notebook}
    new: list[dict] = []
    for cell in nb.cells:
        if not is_test_cell(cell):
            continue
        gid = nbgrader_meta(cell).get("grade_id")
        points = float(nbgrader_meta(cell).get("points") or 0)
        outputs = list(cell.get("outputs", []))
        failed = any(o.get("output_type") == "error" for o in outputs)
        results = [o for o in outputs if o.get("output_type") == "execute_result"]
        keep = None  # the one execute_result nbgrader may read as a score
        if gid in partial and results and not failed:
            score = _reported_score(results[-1])
            if score is None or not 0 <= score <= points:
                shown = str(results[-1].get("data", {}).get("text/plain", ""))[:80]
                message = (f"the test reported the score {shown!r}, which is not a number from 0 "
                           f"to {points:g}; this criterion scores 0 until an instructor looks at it")
                new.append({"criterion": gid, "notebook": notebook, "message": message})
                outputs.insert(0, error_output("ScoringError", message))
            else:
                keep = results[-1]
        for i, out in enumerate(outputs):
            if out.get("output_type") == "execute_result" and out is not keep:
                outputs[i] = nbformat.v4.new_output("display_data", data=out.get("data", {}),
                                                    metadata=out.get("metadata", {}))
        if gid in flagged:  # first: nbgrader stops at the first error or execute_result
            outputs.insert(0, error_output("IntegrityFlag", flagged[gid]))
        cell.outputs = outputs
    return new


def not_run(nb: NotebookNode, message: str) -> NotebookNode:
    """The prepared notebook of a notebook that could not run: each test cell says why."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if is_test_cell(cell):
            cell.outputs = [error_output("NotRun", f"not run: {message}")]
    return nb


def unscorable(nb: NotebookNode, notebook: str, reason: str) -> list[dict]:
    """Every test cell of a notebook nbgrader could not score: 0, each with a flag."""
    message = (f"this criterion could not be scored ({reason}); it scores 0 until an instructor "
               "regrades it")
    new = []
    for cell in nb.cells:
        if is_test_cell(cell):
            cell.outputs = [error_output("ScoringError", message)]
            new.append({"criterion": nbgrader_meta(cell).get("grade_id"), "notebook": notebook,
                        "message": message})
    return new
