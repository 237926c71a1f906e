"""`clone_here(estimator)`: a new, unfitted copy of a scikit-learn estimator, made in the test's process.

In one process this is `sklearn.base.clone`. In grading, a learner's estimator (a pipeline from
`build_pipeline()`) is a proxy: `clone_here` reads its class and constructor parameters across
the boundary and builds the same estimator out of the grader's own scikit-learn classes. A test
can then compute a reference value (cross-validated scores, say) with the grader's own library
code on its own data: nothing of it runs where learner code could replace it. The learner side
only describes the estimator; if it lies, the reference is that of the estimator it described,
and the learner's answer must still match a genuine computation on it.

Only scikit-learn's own classes are rebuilt (and only with plain parameters); anything else (a
class or function the learner wrote, a `memory` cache folder) raises `NotRebuildable`, and the
test decides what to compare with instead (the estimator the notebook describes).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

_PLAIN = (type(None), bool, int, float, str, bytes)
_MAX_DEPTH = 12
_MAX_PARTS = 200


class NotRebuildable(Exception):
    """The estimator holds something that is not scikit-learn's own, so it cannot be rebuilt here."""


def clone_here(estimator: Any) -> Any:
    """A new, unfitted copy of estimator, built in this process from scikit-learn's own classes."""
    from course.testing.remote import grader_connection, is_learner_object

    if grader_connection() is None or not is_learner_object(estimator):
        from sklearn.base import clone

        return clone(estimator)
    return _Rebuilder().build(estimator, 0)


class _Rebuilder:
    def __init__(self) -> None:
        self.parts = 0

    def build(self, obj: Any, depth: int) -> Any:
        from course.testing.remote import is_learner_object

        if depth > _MAX_DEPTH:
            raise NotRebuildable("the estimator is nested too deeply")
        if isinstance(obj, _PLAIN):
            return obj
        import numpy as np

        if isinstance(obj, np.generic | np.ndarray) and obj.dtype != object:
            return obj.copy()
        if type(obj) in (list, tuple):
            return type(obj)(self.build(item, depth + 1) for item in obj)
        if type(obj) is dict:
            return {key: self.build(value, depth + 1) for key, value in obj.items()
                    if isinstance(key, _PLAIN)}
        if not is_learner_object(obj):
            raise NotRebuildable(f"a parameter of type {type(obj).__name__} cannot be rebuilt")
        self.parts += 1
        if self.parts > _MAX_PARTS:
            raise NotRebuildable("the estimator has too many parts")
        cls = _sklearn_class(obj)
        params = {}
        for name, parameter in inspect.signature(cls.__init__).parameters.items():
            if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            try:
                value = getattr(obj, name)
            except AttributeError:
                raise NotRebuildable(f"{cls.__name__} has no attribute {name!r}") from None
            if name == "memory" and value is not None:
                raise NotRebuildable("a pipeline with a memory cache folder is not rebuilt")
            params[name] = self.build(value, depth + 1)
        return cls(**params)


def _sklearn_class(obj: Any) -> type:
    """The grader's own scikit-learn class of that name (the learner side names its type)."""
    from course.boundary.proxies import claimed_types

    claimed = claimed_types(obj)
    if not claimed:
        raise NotRebuildable("the learner side did not name the estimator's type")
    module_name, qualname = claimed[0]
    if not (module_name == "sklearn" or module_name.startswith("sklearn.")) or "." in qualname:
        raise NotRebuildable(f"{module_name}.{qualname} is not one of scikit-learn's classes")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise NotRebuildable(f"{module_name} is not a scikit-learn module here") from None
    cls = getattr(module, qualname, None)
    if not isinstance(cls, type) or not str(getattr(cls, "__module__", "")).startswith("sklearn"):
        raise NotRebuildable(f"{module_name}.{qualname} is not one of scikit-learn's classes")
    from sklearn.base import BaseEstimator
    from sklearn.compose import make_column_selector

    if not issubclass(cls, BaseEstimator | make_column_selector):
        raise NotRebuildable(f"{qualname} is not a scikit-learn estimator")
    return cls
