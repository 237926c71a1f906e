"""The criteria table and the notebooks agree: one test cell per criterion, metadata for each cell."""

from __future__ import annotations

from collections import Counter

import pytest

from course import criteria
from course.notebooks import grade_cells, read_notebook

from .conftest import SOURCE_NOTEBOOKS, nb_id


def course_grade_ids() -> Counter:
    counts: Counter = Counter()
    for path in SOURCE_NOTEBOOKS:
        counts.update(gid for gid, _ in grade_cells(read_notebook(path)))
    return counts


def test_the_course_has_notebooks():
    assert SOURCE_NOTEBOOKS, "source/ holds no notebooks"


def test_every_graded_cell_has_metadata():
    missing = sorted(set(course_grade_ids()) - set(criteria.BY_ID))
    assert not missing, f"graded cells without an entry in course/criteria.py: {missing}"


def test_every_criterion_has_exactly_one_cell():
    counts = course_grade_ids()
    wrong = {c.id: counts.get(c.id, 0) for c in criteria.CRITERIA if counts.get(c.id, 0) != 1}
    assert not wrong, f"criteria without exactly one graded cell (id: cells): {wrong}"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=nb_id)
def test_criteria_live_in_their_notebook(path):
    cells = {gid for gid, _ in grade_cells(read_notebook(path))}
    declared = {c.id for c in criteria.criteria_for(notebook=nb_id(path))}
    assert cells == declared


def test_criteria_fields_are_valid():
    for c in criteria.CRITERIA:
        assert c.category in criteria.CATEGORY_WEIGHTS, c
        assert c.path_step in criteria.PATH_STEPS, c
        assert c.title and c.hint and len(c.hint) > 40, c
        assert c.id.startswith(c.level.replace("level", "l") + "_"), c
    assert len(criteria.BY_ID) == len(criteria.CRITERIA), "duplicate criterion ids"
    assert abs(sum(criteria.CATEGORY_WEIGHTS.values()) - 1.0) < 1e-12


def test_titles_are_unique_and_neutral_and_the_seed_wording_is_kept_apart():
    titles = Counter(c.title for c in criteria.CRITERIA)
    assert not [t for t, n in titles.items() if n > 1], "two criteria share a title"
    for c in criteria.CRITERIA:
        assert not any(mark in c.title for mark in ("✅", "❌")), f"{c.id}: a title names the skill, not a verdict"
        assert len(c.title) <= 60, f"{c.id}: titles are short"
        assert c.seed, f"{c.id}: every criterion names the seed line it maps to"
    seed_lines = {c.seed for c in criteria.CRITERIA}
    assert "✅ Correct use of train/test split" in seed_lines and "❌ No logging" in seed_lines
