"""Feedback preprocessors that keep hidden tests out of what a learner sees."""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

from ..notebooks import secret_lines

ECHO_NOTICE = "[output removed: it quoted hidden test code]\n"


def _output_text(output: NotebookNode) -> str:
    if output.output_type == "stream":
        return str(output.get("text", ""))
    if output.output_type == "error":
        return "\n".join([output.get("evalue", ""), *output.get("traceback", [])])
    data = output.get("data", {})
    return "\n".join(str(v) if isinstance(v, str) else "\n".join(map(str, v))
                     for v in data.values() if isinstance(v, str | list))


class RemoveHiddenTestEchoes(NbGraderPreprocessor):
    """Replace any output, in any cell, that quotes a hidden-test line.

    Learner code can print IPython's input history (`In`, `_ih`) or a traceback that quotes a
    hidden line; this runs before the hidden source is cleared, while the lines are still known.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        secrets = secret_lines(nb)
        if not secrets:
            return nb, resources
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cleaned = []
            for output in cell.get("outputs", []):
                text = _output_text(output)
                if any(line in text for line in secrets):
                    cleaned.append(NotebookNode(output_type="stream", name="stdout", text=ECHO_NOTICE))
                else:
                    cleaned.append(output)
            cell.outputs = cleaned
        return nb, resources


class ClearHiddenTestSource(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, leaving a note where hidden tests were."""

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, cell_index: int):
        removed = self._remove_hidden_test_region(cell)
        if removed:
            cell.source = cell.source.rstrip() + "\n# (hidden tests ran here; their code is not shown)"
        return cell, resources
