"""release/ is what `course release` builds from source/, with no hidden tests and no solutions."""

from __future__ import annotations

import json

import pytest

from course.notebooks import is_answer_cell, read_notebook, secret_lines
from course.release import build_release

from .conftest import LEVELS, ROOT, SOURCE_NOTEBOOKS, nb_id


def _normalized(path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("level", LEVELS)
def test_release_matches_a_fresh_build(level, tmp_path):
    built = build_release(ROOT, level, tmp_path)
    committed = ROOT / "release" / level
    assert sorted(p.name for p in built.glob("*.ipynb")) == sorted(p.name for p in committed.glob("*.ipynb"))
    for path in built.glob("*.ipynb"):
        assert _normalized(path) == _normalized(committed / path.name), (
            f"release/{level}/{path.name} differs from a fresh build: run `course release {level}`")


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_release_holds_no_hidden_test_or_solution(path):
    released = (ROOT / "release" / path.parent.name / path.name).read_text()
    leaked = [line for line in secret_lines(read_notebook(path)) if line in released]
    assert not leaked, f"hidden test lines in the release: {leaked[:3]}"
    for marker in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "BEGIN MARK SCHEME"):
        assert marker not in released, f"{marker} region left in the release"
    for cell in read_notebook(ROOT / "release" / path.parent.name / path.name).cells:
        if is_answer_cell(cell):
            assert "NotImplementedError" in cell.source, "every answer stub should raise NotImplementedError"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_notebooks_are_committed_without_outputs(path):
    for nb_path in (path, ROOT / "release" / path.parent.name / path.name):
        for cell in read_notebook(nb_path).cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{nb_path} has outputs"
