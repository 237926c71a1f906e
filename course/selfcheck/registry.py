"""The checkers: the visible part of each autograded criterion's test cell, read from the course.

A criterion's self-check runs exactly the visible part of its test cell (the small example a
learner can read in their copy), never the hidden part: the code comes from `source/` with the
`### BEGIN HIDDEN TESTS` regions removed, or from `release/` (which has none) when `source/` is not
there. Adding a level needs no code here: its notebooks bring their checkers with them.
"""

from __future__ import annotations

import ast
import builtins
import functools
from dataclasses import dataclass
from pathlib import Path

from course import criteria
from course.config import CourseError, find_root, installed_course
from course.notebooks import (
    is_answer_cell,
    is_test_cell,
    nbgrader_meta,
    read_notebook,
    split_hidden,
)

from .errors import CheckUnavailable

_BUILTINS = set(dir(builtins))


@dataclass(frozen=True)
class Param:
    """One parameter of a graded function as the notebook declares it."""

    name: str
    has_default: bool
    kind: str  # "positional", "vararg", "keyword-only", "varkw"


@dataclass(frozen=True)
class Signature:
    """The def line of a graded function, or of a graded class's __init__ (without self)."""

    name: str
    params: tuple[Param, ...]
    is_class: bool

    def describe(self) -> str:
        parts = []
        for p in self.params:
            star = {"vararg": "*", "varkw": "**"}.get(p.kind, "")
            parts.append(f"{star}{p.name}{'=...' if p.has_default else ''}")
        return f"{self.name}({', '.join(parts)})"


@dataclass(frozen=True)
class Checker:
    """The visible checks of one criterion and the learner's names they use."""

    criterion: str
    notebook: str  # "level1/01-ml-fundamentals"
    code: str
    needs: tuple[str, ...]  # names defined by the notebook's answer cells, in order of use
    free: tuple[str, ...]  # other names the code uses without defining them
    signatures: tuple[Signature, ...]  # the expected def lines of `needs`

    @property
    def filename(self) -> str:
        return f"<visible checks of {self.criterion}>"


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef, skip_self: bool) -> tuple[Param, ...]:
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    if skip_self and positional:
        positional = positional[1:]
    n_defaults = len(a.defaults)
    out = [Param(p.arg, i >= len(positional) - n_defaults, "positional")
           for i, p in enumerate(positional)]
    if a.vararg:
        out.append(Param(a.vararg.arg, True, "vararg"))
    out += [Param(p.arg, d is not None, "keyword-only") for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)]
    if a.kwarg:
        out.append(Param(a.kwarg.arg, True, "varkw"))
    return tuple(out)


def answer_signatures(source: str) -> dict[str, Signature]:
    """The functions and classes an answer cell defines, with their declared parameters."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found: dict[str, Signature] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = Signature(node.name, _params(node, False), False)
        elif isinstance(node, ast.ClassDef):
            init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"),
                        None)
            params = _params(init, True) if init else ()
            found[node.name] = Signature(node.name, params, True)
    return found


def free_names(code: str) -> list[str]:
    """Names the code reads without binding them at its top level, in order of first use."""
    tree = ast.parse(code)
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
            if not isinstance(node, ast.ClassDef):
                a = node.args
                bound.update(p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs])
                bound.update(p.arg for p in (a.vararg, a.kwarg) if p)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    seen: dict[str, None] = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
                and node.id not in bound and node.id not in _BUILTINS):
            seen.setdefault(node.id, None)
    # ast.walk is breadth-first: order by position in the code instead
    positions = {n.id: (n.lineno, n.col_offset) for n in reversed(list(ast.walk(tree)))
                 if isinstance(n, ast.Name) and n.id in seen}
    return sorted(seen, key=lambda name: positions[name])


def _notebook_path(root: Path, notebook: str) -> tuple[Path, bool]:
    """The notebook to read checks from, and whether it is the instructor's source."""
    level, name = notebook.split("/", 1)
    source = root / "source" / level / f"{name}.ipynb"
    if source.is_file():
        return source, True
    release = root / "release" / level / f"{name}.ipynb"
    if release.is_file():
        return release, False
    raise CheckUnavailable(f"the notebook {notebook}.ipynb is not in {root / 'source'} or "
                           f"{root / 'release'}, so its self-checks cannot be read")


@functools.lru_cache(maxsize=16)
def _checkers_of(path: Path, is_source: bool, mtime_ns: int, notebook: str) -> dict[str, Checker]:
    nb = read_notebook(path)
    signatures: dict[str, Signature] = {}
    for cell in nb.cells:
        if is_answer_cell(cell):
            signatures.update(answer_signatures(cell.source))
    out: dict[str, Checker] = {}
    for cell in nb.cells:
        if not is_test_cell(cell):
            continue
        grade_id = nbgrader_meta(cell).get("grade_id", "")
        code = split_hidden(cell.source)[0] if is_source else cell.source
        names = free_names(code)
        needs = tuple(n for n in names if n in signatures)
        out[grade_id] = Checker(
            criterion=grade_id, notebook=notebook, code=code, needs=needs,
            free=tuple(n for n in names if n not in signatures),
            signatures=tuple(signatures[n] for n in needs),
        )
    return out


def checkers_of(notebook: str, root: Path | None = None) -> dict[str, Checker]:
    """grade_id -> Checker for every autograded test cell of a notebook ("level1/01-...")."""
    if root is None:
        try:
            root = find_root()
        except CourseError as exc:
            # checks only read notebooks: the course the package came from will do
            root = installed_course()
            if root is None:
                raise CheckUnavailable(str(exc)) from None
    path, is_source = _notebook_path(root, notebook)
    return _checkers_of(path, is_source, path.stat().st_mtime_ns, notebook)


def checker(criterion_id: str, root: Path | None = None) -> Checker:
    """The checker of one autograded criterion; CheckUnavailable says why there is none."""
    try:
        crit = criteria.get(criterion_id)
    except KeyError:
        ids = ", ".join(c.id for c in criteria.CRITERIA if not c.manual)
        raise CheckUnavailable(f"there is no criterion {criterion_id!r}; the ids are: {ids}") from None
    if crit.manual:
        raise CheckUnavailable(f"{criterion_id} is a written answer, graded by hand: there is "
                               f"nothing to run, but hint({criterion_id!r}) still helps")
    found = checkers_of(crit.notebook, root)
    if criterion_id not in found:
        raise CheckUnavailable(f"{crit.notebook}.ipynb has no test cell {criterion_id!r}")
    return found[criterion_id]
