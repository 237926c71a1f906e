"""Escalating hints: level 1 is the criterion's hint in course/criteria.py, then these tables.

Each module `levelN.py` here defines `EXTRA_HINTS = {criterion_id: [hint 2, hint 3, ...]}`, each
more specific than the one before, none revealing a hidden test's inputs. Adding a level's hints
is adding its module: this package finds it.
"""

from __future__ import annotations

import importlib
import pkgutil

from course import criteria


def _collect() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("level"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for cid, hints in module.EXTRA_HINTS.items():
            if cid in table:
                raise ValueError(f"extra hints for {cid} are defined twice")
            table[cid] = tuple(hints)
    return table


EXTRA_HINTS: dict[str, tuple[str, ...]] = _collect()


def hint_levels(criterion_id: str) -> list[str]:
    """Every hint of a criterion, least specific first; KeyError for an unknown id."""
    crit = criteria.get(criterion_id)
    return [crit.hint, *EXTRA_HINTS.get(criterion_id, ())]
