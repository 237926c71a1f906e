"""Course notebooks through the grading boundary, without the sandbox.

Learner cells run in one kernel, test cells in another (`tests.nbharness --boundary`), as in
grading. By default one notebook's reference keeps the harness's boundary mode honest (every
reference goes through the real boundary and sandbox in tests/test_course_grading.py). Set
COURSE_BOUNDARY_WRONG=1 to run every reference and check that every file in tests/wrong/ keeps
its exact verdict through the boundary (long: about 200 notebook runs).
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import SOURCE_NOTEBOOKS, nb_id
from tests.nbharness import declared_fails, run_reference, run_wrong, wrong_files

ALL = os.environ.get("COURSE_BOUNDARY_WRONG") == "1"
NOTEBOOKS = [p for p in SOURCE_NOTEBOOKS if wrong_files(p)]
if not ALL:
    NOTEBOOKS = [p for p in NOTEBOOKS if nb_id(p) == "level1/02-data-pipeline"] or NOTEBOOKS[:1]
WRONG = [(nb, w) for nb in NOTEBOOKS for w in wrong_files(nb)] if ALL else []


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_id)
def test_reference_keeps_full_marks_through_the_boundary(path):
    outcome = run_reference(path, boundary=True)
    failures = {gid: msg for gid, msg in outcome.results.items() if msg}
    assert not failures, f"the reference fails through the boundary: {failures}"


if WRONG:  # collected only when asked for (an empty parametrize would be a skip, a CI failure)
    @pytest.mark.slow
    @pytest.mark.parametrize(("path", "wrong"), WRONG,
                             ids=[f"{nb_id(n)}:{w.stem}" for n, w in WRONG])
    def test_wrong_answer_keeps_its_verdict_through_the_boundary(path, wrong):
        outcome = run_wrong(path, wrong, boundary=True)
        assert outcome.failed == declared_fails(wrong), outcome.results
