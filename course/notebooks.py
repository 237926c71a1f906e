"""Reading course notebooks: grade cells, solution cells and hidden-test regions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .config import CourseError

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_MARK_SCHEME = "### BEGIN MARK SCHEME"
END_MARK_SCHEME = "### END MARK SCHEME"

#: Hidden lines shorter than this are too generic to be told apart from ordinary code.
MIN_SECRET_LINE = 16


class NotebookError(CourseError, ValueError):
    """A notebook that cannot be read: the message names the file and says what is wrong."""


def read_notebook(path: str | Path) -> NotebookNode:
    """Read a notebook, turning every way it can be broken into a NotebookError naming the file."""
    path = Path(path)
    if path.is_dir():
        raise NotebookError(f"{path} is a folder, not a notebook")
    if not path.is_file():
        raise NotebookError(f"{path}: no such notebook")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NotebookError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise NotebookError(f"{path} is not valid notebook JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise NotebookError(f"{path} is not valid notebook JSON ({exc})") from None
    if not isinstance(raw, dict) or "cells" not in raw:
        raise NotebookError(f"{path} is JSON but not a notebook (no 'cells' list)")
    try:
        # reads() (unlike from_dict) joins sources stored as lists of lines into strings.
        return nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        raise NotebookError(f"{path} is not a valid notebook ({exc})") from None


def nbgrader_meta(cell: NotebookNode) -> dict:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def is_test(*, graded: bool, solution: bool, cell_type: str) -> bool:
    """The rule of an autograded test cell: graded, not a solution, code (the one place it is
    written; is_test_cell applies it to a notebook cell, grading to the gradebook's cells)."""
    return graded and not solution and cell_type == "code"


def is_test_cell(cell: NotebookNode) -> bool:
    """An autograded test cell: graded, not a solution, code."""
    meta = nbgrader_meta(cell)
    return is_test(graded=bool(meta.get("grade")), solution=bool(meta.get("solution")),
                   cell_type=cell.cell_type)


def is_answer_cell(cell: NotebookNode) -> bool:
    """An autograded answer cell: a solution cell that is not itself graded."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("solution")) and not meta.get("grade") and cell.cell_type == "code"


def is_graded_cell(cell: NotebookNode) -> bool:
    """Any cell that carries points: autograded tests, manually graded answers and tasks."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) or bool(meta.get("task"))


#: What nbgrader's release leaves in answer cells (ClearSolutions' stubs in nbgrader_config.py).
STUB_MARKERS = ("YOUR CODE HERE", "YOUR ANSWER HERE")


def shows_learner_work(nb: NotebookNode) -> bool:
    """Whether a release notebook holds someone's work: outputs, or an answer cell without its stub.

    A notebook built by `course release` has neither (a test keeps release/ free of outputs).
    """
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            return True
        if nbgrader_meta(cell).get("solution") and not any(m in cell.source for m in STUB_MARKERS):
            return True
    return False


def grade_cells(nb: NotebookNode) -> Iterator[tuple[str, NotebookNode]]:
    """(grade_id, cell) for every cell that carries points, in notebook order."""
    for cell in nb.cells:
        if is_graded_cell(cell):
            yield nbgrader_meta(cell).get("grade_id", ""), cell


def split_hidden(source: str) -> tuple[str, list[str]]:
    """The visible part of a test cell's source and the lines of its hidden-test regions."""
    visible, hidden, inside = [], [], False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            visible.append(line)
    return "\n".join(visible), hidden


def secret_lines(nb: NotebookNode) -> set[str]:
    """Hidden-test lines found nowhere in the notebook's visible text (stripped, non-trivial).

    These are what a learner must never see: a report, an output or a release that contains one
    of them leaks the hidden tests. A hidden line that also occurs inside visible text (for
    example `folder = mkdtemp()` within `_folder = mkdtemp()`) gives nothing away.
    """
    hidden: set[str] = set()
    public: list[str] = []
    for cell in nb.cells:
        visible, lines = split_hidden(cell.source)
        hidden.update(line.strip() for line in lines)
        # Markdown renders without its marks: `MinMaxScaler`, in prose reads MinMaxScaler,
        public.append(visible)
        if cell.cell_type == "markdown":
            public.append(re.sub(r"[`*]", "", visible))
    public_text = "\n".join(public)
    return {
        line for line in hidden
        if len(line) >= MIN_SECRET_LINE and not line.startswith("#") and line not in public_text
    }


def source_notebooks(root: Path, level: str | None = None) -> list[Path]:
    """The instructor notebooks under source/, optionally of one level, sorted."""
    pattern = f"{level}/*.ipynb" if level else "level*/*.ipynb"
    return sorted(p for p in (root / "source").glob(pattern) if not p.name.startswith("."))
