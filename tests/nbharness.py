"""Runs a course notebook's test cells in one process, against its reference or a wrong implementation.

Demo cells that call the learner's functions are skipped (test cells never rely on what they
compute), every other cell runs, then every test cell in order, so a wrong implementation costs
the time of the tests alone. The wrong file's definitions are placed exactly as in a learner's notebook
(`course.samples.with_override`), so functions that call each other see the same versions.

    python -m tests.nbharness [--boundary] [--reference] source/level1/01-ml-fundamentals.ipynb [WRONG.py ...]

With --boundary, the cells run in two real kernels joined by course.boundary (no uids, no
sandbox): learner cells in one, test cells in the other through proxies, in notebook order.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import os
import re
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import cloudpickle
from nbformat import NotebookNode

from course.notebooks import is_answer_cell, is_test_cell, nbgrader_meta, read_notebook
from course.samples import defined_names, solution_source, split_override, with_override

ROOT = Path(__file__).resolve().parent.parent
WRONG = ROOT / "tests" / "wrong"


def calls_any(source: str, names: set[str]) -> bool:
    """Whether a cell calls one of `names` (a learner's function) anywhere."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return True
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
               and node.func.id in names for node in ast.walk(tree))


def reference_cells(nb: NotebookNode) -> NotebookNode:
    """The source notebook with its answer cells as a learner who solved them would write them."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if is_answer_cell(cell):
            cell.source = solution_source(cell.source)
    return nb


@dataclass
class Outcome:
    """grade_id -> None when the test cell passed, else the exception's type and message."""

    results: dict[str, str | None]
    seconds: float

    @property
    def failed(self) -> set[str]:
        return {gid for gid, msg in self.results.items() if msg is not None}


def _strip_magics(source: str) -> str:
    return "\n".join(line for line in source.split("\n") if not re.match(r"\s*[%!]", line))


def referenced_names(source: str) -> set[str]:
    """Every bare name a piece of code mentions (loads, calls, attribute bases)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def affected_tests(nb: NotebookNode, replaced: set[str]) -> set[str]:
    """grade_ids of the test cells that can see a replaced name, directly or through answers.

    A test cell that mentions none of the replaced names, nor any answer function that (through
    other answers) mentions one, runs exactly the reference's code, so its result is the
    reference's (a pass: the reference passing every cell is tested on its own).
    """
    answers = {}
    for cell in nb.cells:
        if is_answer_cell(cell):
            for name in defined_names(cell.source):
                answers[name] = referenced_names(cell.source)
    affected = set(replaced)
    changed = True
    while changed:
        changed = False
        for name, refs in answers.items():
            if name not in affected and refs & affected:
                affected.add(name)
                changed = True
    return {nbgrader_meta(cell)["grade_id"] for cell in nb.cells
            if is_test_cell(cell) and referenced_names(cell.source) & affected}


def run_cells(nb: NotebookNode, only: set[str] | None = None) -> Outcome:
    """Exec the definitional cells and the test cells of `nb` (those in `only`) in a fresh namespace.

    Test cells left out of `only` are recorded as passed.
    """
    # Like a kernel's __main__: plain pickle finds the notebook's classes by reference (a test
    # may pickle a learner's object to measure it) and cloudpickle sends its code by value.
    module = types.ModuleType("__learner__")
    sys.modules["__learner__"] = module
    cloudpickle.register_pickle_by_value(module)
    try:
        # As in grading (course/grading/sandbox/execute.py): the notebook's self-check cells do nothing.
        with mock.patch.dict(os.environ, {"COURSE_SELFCHECK": "off"}):
            return _run_cells_in(module.__dict__, nb, only)
    finally:
        cloudpickle.unregister_pickle_by_value(module)
        del sys.modules["__learner__"]


def _run_cells_in(namespace: dict, nb: NotebookNode, only: set[str] | None) -> Outcome:
    results: dict[str, str | None] = {}
    started = time.perf_counter()
    sink = io.StringIO()
    learner_names = set().union(*(defined_names(c.source) for c in nb.cells if is_answer_cell(c)))
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = _strip_magics(cell.source)
        if is_test_cell(cell):
            grade_id = nbgrader_meta(cell)["grade_id"]
            if only is not None and grade_id not in only:
                results[grade_id] = None
                continue
            try:
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    exec(compile(source, f"<test {grade_id}>", "exec"), namespace)
                results[grade_id] = None
            except BaseException as exc:  # noqa: BLE001 -- any failure is the cell's verdict
                if isinstance(exc, KeyboardInterrupt):
                    raise
                results[grade_id] = f"{type(exc).__name__}: {exc}"
        elif is_answer_cell(cell) or not calls_any(source, learner_names):
            try:
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    exec(compile(source, "<cell>", "exec"), namespace)
            except Exception:  # noqa: BLE001 -- a broken cell is part of a wrong submission
                pass
    return Outcome(results, time.perf_counter() - started)


def run_cells_boundary(nb: NotebookNode, only: set[str] | None = None) -> Outcome:
    """As run_cells, with learner cells and test cells in two kernels joined by course.boundary."""
    from course.boundary.interleave import TwoKernels, names_used, plan

    learner_names = set().union(*(defined_names(c.source) for c in nb.cells if is_answer_cell(c)))

    def include(cell: NotebookNode) -> bool:
        return is_answer_cell(cell) or not calls_any(_strip_magics(cell.source), learner_names)

    def wanted(cell: NotebookNode) -> bool:
        return is_test_cell(cell) and (only is None or nbgrader_meta(cell)["grade_id"] in only)

    steps = plan(nb.cells, wanted, include=lambda c: include(c) and not is_test_cell(c))
    results: dict[str, str | None] = {nbgrader_meta(c)["grade_id"]: None
                                      for c in nb.cells if is_test_cell(c)}
    started = time.perf_counter()
    if not any(s.kernel == "grader" for s in steps):
        return Outcome(results, 0.0)
    with TwoKernels(names_used(steps), cwd=ROOT) as kernels:
        for step in steps:
            if step.kernel == "grader":
                result = kernels.run_test(step.source)
                grade_id = nbgrader_meta(nb.cells[step.index])["grade_id"]
                results[grade_id] = None if result.status == "ok" else f"{result.ename}: {result.evalue}"
            else:
                kernels.run_learner(step.source)
    return Outcome(results, time.perf_counter() - started)


def run_reference(source_path: Path, *, boundary: bool = False) -> Outcome:
    nb = reference_cells(read_notebook(source_path))
    return run_cells_boundary(nb) if boundary else run_cells(nb)


def run_wrong(source_path: Path, wrong_path: Path, *, boundary: bool = False) -> Outcome:
    """The test cells' verdicts on a wrong implementation (unaffected cells keep the reference's)."""
    nb = reference_cells(read_notebook(source_path))
    code = wrong_path.read_text()
    _, definitions = split_override(code)
    runner = run_cells_boundary if boundary else run_cells
    return runner(with_override(nb, code), only=affected_tests(nb, set(definitions)))


def declared_fails(wrong_path: Path) -> set[str]:
    """The FAILS set a wrong-implementation file declares (read without running it)."""
    tree = ast.parse(wrong_path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "FAILS" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise ValueError(f"{wrong_path} declares no FAILS set")


def wrong_files(source_path: Path) -> list[Path]:
    level = source_path.parent.name
    return sorted((WRONG / level / source_path.stem).glob("*.py"))


def main(argv: list[str]) -> int:
    boundary = "--boundary" in argv
    reference_only = "--reference" in argv
    argv = [a for a in argv if a not in ("--boundary", "--reference")]
    source = Path(argv[0])
    ref = run_reference(source, boundary=boundary)
    print(f"reference: {len(ref.results)} test cells in {ref.seconds:.1f} s; failed: "
          f"{sorted(ref.failed) or 'none'}")
    for gid, msg in ref.results.items():
        if msg:
            print(f"  {gid}: {msg}")
    status = 0 if not ref.failed else 1
    for wrong in [] if reference_only else [Path(p) for p in argv[1:]] or wrong_files(source):
        out = run_wrong(source, wrong, boundary=boundary)
        expected = declared_fails(wrong)
        ok = out.failed == expected
        status |= not ok
        print(f"{'ok  ' if ok else 'BAD '} {wrong.name}: failed {sorted(out.failed)}"
              f" expected {sorted(expected)} ({out.seconds:.1f} s)")
        for gid in sorted(out.failed | expected):
            print(f"       {gid}: {out.results.get(gid)}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
