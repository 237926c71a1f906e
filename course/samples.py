"""Learner notebooks made from the course's own notebooks: a reference answer, or one with mistakes.

Used by the demo cohort and by the project's tests: the release notebook with each answer cell
filled in from the source's solution, and optionally a file of replacement definitions (a
"wrong implementation") appended to the answer cells that define those names.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path

from nbformat import NotebookNode

from .notebooks import BEGIN_SOLUTION, END_SOLUTION, is_answer_cell, nbgrader_meta, read_notebook

#: Module-level names of a wrong-implementation file that describe it rather than replace code.
DESCRIPTIVE_NAMES = {"FAILS"}


def solution_source(source: str) -> str:
    """A source cell's code as a learner who solved it would write it (delimiters removed)."""
    return "\n".join(
        line for line in source.split("\n")
        if BEGIN_SOLUTION not in line and END_SOLUTION not in line
    )


def defined_names(source: str) -> set[str]:
    """Top-level function and class names a cell defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}


def split_override(code: str) -> tuple[str, dict[str, str]]:
    """A wrong-implementation file as (preamble of imports and helpers, {name: definition})."""
    tree = ast.parse(code)
    lines = code.split("\n")
    preamble, definitions = [], {}
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        segment = "\n".join(lines[first - 1:node.end_lineno])
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            definitions[node.name] = segment
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        elif isinstance(node, ast.Assign) and all(
                isinstance(t, ast.Name) and t.id in DESCRIPTIVE_NAMES for t in node.targets):
            continue
        else:
            preamble.append(segment)
    return "\n".join(preamble), definitions


def reference_notebook(source_nb: NotebookNode, release_nb: NotebookNode) -> NotebookNode:
    """The release notebook with every answer cell holding the source's solution."""
    answers = {nbgrader_meta(c).get("grade_id"): solution_source(c.source)
               for c in source_nb.cells if is_answer_cell(c)}
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if is_answer_cell(cell) and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def with_override(nb: NotebookNode, code: str) -> NotebookNode:
    """A copy of `nb` whose answer cells end with the override's definitions of the names they define.

    Definitions of names no answer cell defines are helpers: they go with the imports into the
    preamble that precedes every replaced definition.
    """
    preamble, definitions = split_override(code)
    nb = copy.deepcopy(nb)
    answer_cells = [cell for cell in nb.cells if is_answer_cell(cell)]
    answered = set().union(*(defined_names(cell.source) for cell in answer_cells))
    helpers = [src for name, src in definitions.items() if name not in answered]
    preamble = "\n\n".join(part for part in [preamble, *helpers] if part.strip())
    for cell in answer_cells:
        mine = [name for name in definitions if name in defined_names(cell.source)]
        if mine:
            parts = [cell.source.rstrip(), "", "# --- a learner's own version ---"]
            parts += [preamble] if preamble else []
            parts += [definitions[name] for name in mine]
            cell.source = "\n".join(parts) + "\n"
    return nb


def learner_notebook(source_path: Path, release_path: Path, override: str | None = None) -> NotebookNode:
    """A learner's notebook: the reference answers, with an override's mistakes when given."""
    nb = reference_notebook(read_notebook(source_path), read_notebook(release_path))
    return with_override(nb, override) if override else nb
