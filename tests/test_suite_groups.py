"""The suite's own plumbing: tests that share a graded course run on one xdist worker."""

from __future__ import annotations

import pytest


def test_each_group_stays_on_one_worker(request):
    """Under `--dist loadgroup` xdist marks a grouped test's id with `@group`; without the mark
    it spreads the group over the workers and each of them grades the shared course again
    (pytest 9.2 with pytest-xdist 3.8 did this silently: pytest-dev/pytest-xdist#1386)."""
    if not request.config.getoption("loadgroup", default=False):
        pytest.skip("runs under `pytest -n 2 --dist loadgroup`, as `make test` does")
    grouped = [item.nodeid for item in request.session.items if item.get_closest_marker("xdist_group")]
    lost = [nodeid for nodeid in grouped if "@" not in nodeid]
    assert not lost, (f"xdist ignored the group of {len(lost)} of {len(grouped)} tests, e.g. {lost[0]}: "
                      "hold pytest and pytest-xdist at versions that group (constraints.txt)")
