"""Helpers for test cells that work the same in one process and across the grading boundary.

In grading, test cells run in a kernel that never runs learner code: the learner's names are
proxies (course.boundary). Most test code needs no change; these helpers cover what does:

- `is_instance(x, cls)`: isinstance, also for a learner object (its type as the learner side
  reports it: it may lie, so check behaviour too);
- `on_learner(fn, *args)`: call a library function (cross_val_score, a course.testing probe)
  where the learner's code runs, on the learner's objects;
- `call_many(fn, arguments)`: thousands of calls in one crossing, same calls in the same order;
- `pickled_bytes(obj)` / `pickled_size(obj)`: pickle.dumps(obj, protocol=5): the test's own
  objects measured here, learner objects where they live (their bytes are the learner's word);
- `learner_copy(obj)`: a copy of the test's object that lives where the learner's code runs, so
  that a test can watch what learner code does to it through its behaviour.
"""

from __future__ import annotations

import copy
import pickle
import sys
import types
from typing import Any


def grader_connection() -> Any:
    """The boundary's connection when this process is a grader kernel, else None."""
    learner = sys.modules.get("course.boundary.learner")
    if learner is not None and learner.serving_here():
        return None  # learner-side code (both ends in one process: the boundary's own tests)
    module = sys.modules.get("course.boundary.grader")
    return module.active() if module is not None else None


def is_learner_object(x: Any) -> bool:
    """Whether x is a proxy of an object that lives in the learner's kernel."""
    return getattr(type(x), "_boundary_proxy", False) is True


def is_instance(x: Any, classinfo: type | tuple[type, ...]) -> bool:
    """isinstance(x, classinfo); for a learner object, by the type names its side reports."""
    if not is_learner_object(x):
        return isinstance(x, classinfo)
    from course.boundary.proxies import claimed_types

    wanted = classinfo if isinstance(classinfo, tuple) else (classinfo,)
    claimed = set(claimed_types(x))
    return any((c.__module__, c.__qualname__) in claimed for c in wanted)


def on_learner(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs), run where the learner's code runs; fn must be a library function."""
    conn = grader_connection()
    if conn is None:
        return fn(*args, **kwargs)
    module = getattr(fn, "__module__", None)
    qualname = str(getattr(fn, "__qualname__", "<lambda>"))
    bound_to_object = isinstance(fn, types.MethodType) and not isinstance(fn.__self__, type)
    if module in (None, "__main__", conn.namespace.get("__name__")) or "<" in qualname or bound_to_object:
        raise TypeError("on_learner runs library functions (importable by name), not code of the test")
    from course.boundary import services

    return services.call(conn, "apply", fn, list(args), kwargs)


def call_many(fn: Any, arguments: Any, *, star: bool = False) -> list[Any]:
    """[fn(a) for a in arguments] (fn(*a) with star=True), made where the learner's code runs.

    The same calls, in the same order, as a loop in the test, with one crossing of the boundary
    instead of one per call: use it for thousands of calls (20 000 A/B assignments).
    """
    from course.testing.probes import call_each

    return on_learner(call_each, fn, list(arguments), star=star)


def pickled_bytes(obj: Any, protocol: int = 5) -> bytes:
    """pickle.dumps(obj, protocol), made here for the test's own objects; never unpickled here.

    In grading, the test's own objects (not learner objects) are measured in the grader: the
    bytes are those of the copy learner code receives (pickled, then unpickled), so that a
    learner's measurement of its copy and this one agree, and no learner-side code is involved.
    A learner object's bytes can only be made where it lives: they are what the learner side
    answers, i.e. the learner's word (it may lie). A verdict that must not rest on the learner's
    word compares them with sizes of the test's own objects, or checks behaviour too.
    """
    conn = grader_connection()
    if conn is not None and is_learner_object(obj):
        from course.boundary import services

        return services.pickled_bytes(conn, obj, protocol)
    if conn is not None:
        obj = pickle.loads(pickle.dumps(obj, protocol=protocol))  # the copy the learner side gets
    return pickle.dumps(obj, protocol=protocol)


def pickled_size(obj: Any, protocol: int = 5) -> int:
    """len(pickle.dumps(obj, protocol)), measured on bytes made where obj lives."""
    return len(pickled_bytes(obj, protocol))


def learner_copy(obj: Any) -> Any:
    """A deep copy of the test's obj that lives where the learner's code runs."""
    conn = grader_connection()
    if conn is None:
        return copy.deepcopy(obj)
    from course.boundary import services

    return services.call(conn, "keep", obj)
