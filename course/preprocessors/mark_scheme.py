"""Feedback preprocessor: model answers and rubrics stay with the instructor unless allowed."""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.preprocessors import ClearMarkScheme
from traitlets import Bool, List, Unicode


class ClearMarkSchemeUnlessAllowed(ClearMarkScheme):
    """nbgrader's ClearMarkScheme, skipped for assignments whose model answers may be shown."""

    allow_assignments = List(
        Unicode(), default_value=[],
        help="Assignments whose feedback keeps model answers and rubrics.",
    ).tag(config=True)
    allow_all = Bool(
        False, help="Keep model answers and rubrics in every assignment's feedback.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        assignment = resources.get("nbgrader", {}).get("assignment")
        if self.allow_all or assignment in self.allow_assignments:
            return nb, resources
        return super().preprocess(nb, resources)
