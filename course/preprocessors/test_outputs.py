"""Feedback preprocessor: a test cell shows only its verdict, never a traceback or printout."""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from ..notebooks import is_test_cell

NO_MESSAGE = "a check failed without a message (see the hint for this criterion)"
NOT_WRITTEN = ("not written yet: a function this check calls still raises NotImplementedError "
               "(replace the stub with your code)")


def failure_message(cell: NotebookNode) -> str | None:
    """The learner-facing failure message of an executed test cell, or None when it passed."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            ename = output.get("ename", "Error")
            evalue = (output.get("evalue") or "").strip()
            if ename == "AssertionError":
                return evalue or NO_MESSAGE
            if ename == "NotImplementedError":
                return NOT_WRITTEN
            return f"{ename}: {evalue}" if evalue else ename
    return None


class SanitizeTestOutputs(NbGraderPreprocessor):
    """Replace a test cell's outputs by its failure message alone.

    Tracebacks of hidden tests quote hidden lines, and anything printed by a test cell may echo
    its inputs; the exception's type and message are what the learner needs.
    """

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, cell_index: int):
        if not is_test_cell(cell):
            return cell, resources
        message = failure_message(cell)
        if message is None:
            cell.outputs = []
        else:
            ename = next(o.get("ename", "Error") for o in cell.outputs if o.output_type == "error")
            cell.outputs = [NotebookNode(
                output_type="error", ename=ename, evalue=message,
                traceback=[f"{ename}: {message}"],
            )]
        return cell, resources
