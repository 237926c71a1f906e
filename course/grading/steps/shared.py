"""nbgrader's gradebook steps, run on the grading run's shared Gradebook.

Each of nbgrader's steps that reads or writes the gradebook (OverwriteCells, OverwriteKernelspec,
SaveAutoGrades, AssignLatePenalties) opens a Gradebook of its own: a new database engine, a check
of every table and a commit per change. Inside `course.gradebook.shared_gradebook` the
subclasses here use the thread's shared Gradebook instead, so the steps of one recorded job are
part of its single transaction (`one_transaction`). Only where each step gets its Gradebook
differs: the cell-by-cell work is nbgrader's own methods, and the steps' configuration
(`c.AssignLatePenalties.plugin_class`, `c.OverwriteCells.add_missing_cells`...) applies to them
as to nbgrader's classes. Outside a shared gradebook they are nbgrader's steps unchanged.

CheckCellMetadata runs with nbgrader's metadata schema compiled once (nbgrader's validator
checks the schema itself again for every cell: about a quarter of a real job's time).
"""

from __future__ import annotations

import json
import traceback
from functools import lru_cache

import jsonschema
from nbformat import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import (
    BaseMetadataValidator,
    SchemaTooNewError,
    SchemaTooOldError,
)
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from nbgrader.preprocessors.base import NbGraderPreprocessor

from course.gradebook import shared_book

Resources = dict


def _ids(step: NbGraderPreprocessor, resources: Resources) -> None:
    info = resources["nbgrader"]
    step.notebook_id = info["notebook"]
    step.assignment_id = info["assignment"]
    step.db_url = info["db_url"]
    if "student" in info:
        step.student_id = info["student"]


def _attach(step: NbGraderPreprocessor, resources: Resources) -> bool:
    """Give `step` this thread's shared Gradebook and the job's ids; False outside
    `shared_gradebook` (then the step runs as nbgrader's own)."""
    book = shared_book(resources["nbgrader"]["db_url"])
    if book is None:
        return False
    _ids(step, resources)
    step.gradebook = book
    return True


def _cells(step: NbGraderPreprocessor, nb: NotebookNode, resources: Resources):  # noqa: ANN202
    """nbconvert's cell-by-cell pass (what nbgrader's preprocess runs inside its `with Gradebook`)."""
    return NbGraderPreprocessor.preprocess(step, nb, resources)


class SharedOverwriteCells(OverwriteCells):
    def preprocess(self, nb: NotebookNode, resources: Resources) -> tuple[NotebookNode, Resources]:
        if not _attach(self, resources):
            return super().preprocess(nb, resources)
        nb, resources = _cells(self, nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class SharedOverwriteKernelspec(OverwriteKernelspec):
    def preprocess(self, nb: NotebookNode, resources: Resources) -> tuple[NotebookNode, Resources]:
        info = resources["nbgrader"]
        book = shared_book(info["db_url"])
        if book is None:
            return super().preprocess(nb, resources)
        kernelspec = book.find_notebook(info["notebook"], info["assignment"]).kernelspec
        if kernelspec is not None:
            kernelspec = json.loads(kernelspec)
        if kernelspec:
            nb.metadata["kernelspec"] = kernelspec
        return nb, resources


class SharedSaveAutoGrades(SaveAutoGrades):
    def preprocess(self, nb: NotebookNode, resources: Resources) -> tuple[NotebookNode, Resources]:
        if not _attach(self, resources):
            return super().preprocess(nb, resources)
        return _cells(self, nb, resources)


class SharedAssignLatePenalties(AssignLatePenalties):
    def preprocess(self, nb: NotebookNode, resources: Resources) -> tuple[NotebookNode, Resources]:
        if not _attach(self, resources):
            return super().preprocess(nb, resources)
        self.init_plugin()
        book = self.gradebook
        nb, resources = _cells(self, nb, resources)
        assignment = book.find_submission(self.assignment_id, self.student_id)
        notebook = book.find_submission_notebook(self.notebook_id, self.assignment_id,
                                                 self.student_id)
        book.db.expire(notebook)  # its score, computed by the database, after this job's grades
        book.db.expire(assignment)
        notebook.late_submission_penalty = None
        if assignment.total_seconds_late > 0:
            self.log.warning("%s is %s seconds late", assignment, assignment.total_seconds_late)
            penalty = self.plugin_inst.late_submission_penalty(
                self.student_id, notebook.score, assignment.total_seconds_late)
            self.log.warning("Late submission penalty: %s", penalty)
            if penalty is not None:
                notebook.late_submission_penalty = self._check_late_penalty(notebook, penalty)
        book.db.commit()
        return nb, resources


@lru_cache(maxsize=4)
def _compiled(schema_json: str) -> jsonschema.protocols.Validator:
    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


class _CompiledCellCheck(BaseMetadataValidator):
    """nbgrader's per-cell check (schema version, then the JSON schema) with a compiled schema."""

    def validate_cell(self, cell: NotebookNode) -> None:
        if "nbgrader" not in cell.metadata:
            return
        schema = cell.metadata["nbgrader"].get("schema_version", 0)
        if schema < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {schema} (expected "
                                    f"{self.schema_version})", schema, self.schema_version)
        if schema > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {schema} (expected "
                                    f"{self.schema_version})", schema, self.schema_version)
        if getattr(self, "_validator", None) is None:
            self._validator = _compiled(json.dumps(self.schema, sort_keys=True))
        error = jsonschema.exceptions.best_match(self._validator.iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class _FastMetadataValidator(MetadataValidator, _CompiledCellCheck):
    """nbgrader's current validator; its own checks run, then the compiled per-cell check."""


class FastCheckCellMetadata(CheckCellMetadata):
    def preprocess(self, nb: NotebookNode, resources: Resources) -> tuple[NotebookNode, Resources]:
        try:
            _FastMetadataValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources


_SHARED: dict[type, type] = {
    CheckCellMetadata: FastCheckCellMetadata,
    OverwriteCells: SharedOverwriteCells,
    OverwriteKernelspec: SharedOverwriteKernelspec,
    SaveAutoGrades: SharedSaveAutoGrades,
    AssignLatePenalties: SharedAssignLatePenalties,
}


def shared_step(cls: type) -> type:
    """The step to run for nbgrader's step `cls`: its shared-gradebook version, if it has one."""
    return _SHARED.get(cls, cls)
