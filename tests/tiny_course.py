"""A tiny course (one level1 notebook, seconds to grade) for testing the commands themselves."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbformat import v4

ROOT = Path(__file__).resolve().parent.parent
HIDDEN_LINE = "assert add(40, 2) == 42, 'add should add the two numbers it is given'"
MARK_SCHEME_LINE = "Full marks: names the trade-off between latency and freshness."


def _cell(kind: str, source: str, **meta) -> nbformat.NotebookNode:
    cell = v4.new_code_cell(source) if kind == "code" else v4.new_markdown_cell(source)
    if meta:
        cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "task": False, **meta}
    return cell


def tiny_notebook() -> nbformat.NotebookNode:
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        _cell("markdown", "# A tiny notebook\nWrite `add`."),
        _cell("code", "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION",
              grade=False, solution=True, grade_id="ans_add"),
        _cell("code", "assert add(1, 2) == 3, 'add(1, 2) should be 3'\n### BEGIN HIDDEN TESTS\n"
              f"{HIDDEN_LINE}\n### END HIDDEN TESTS",
              grade=True, solution=False, locked=True, grade_id="t_add", points=1),
        _cell("code", "### BEGIN HIDDEN TESTS\nassert add(5, -7) == -2, 'add should handle negative numbers'\n"
              "import sys, warnings\nwarnings.warn('a library warning')\nprint('noise', file=sys.stderr)\n"
              "### END HIDDEN TESTS", grade=True, solution=False, locked=True, grade_id="t_neg", points=2),
        _cell("markdown", "Explain caching in two sentences.\n### BEGIN MARK SCHEME\n"
              f"{MARK_SCHEME_LINE}\n### END MARK SCHEME",
              grade=False, solution=False, task=True, locked=True, grade_id="t_essay", points=2),
    ]
    return nb


def make_tiny_course(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    (dest / "source" / "level1").mkdir(parents=True)
    nbformat.write(tiny_notebook(), dest / "source" / "level1" / "01-tiny.ipynb")
    return dest
