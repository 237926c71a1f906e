"""Probes: small library functions a test runs where the learner's code runs (`on_learner`).

They observe what behaviour alone cannot show (which rows a search fitted each forest on, whether
an API key check reaches `hmac.compare_digest`), or run a timed workload next to the code it
times (`call_each`: the test measures the wall clock around one call). In grading their answers come from the learner's
process and may lie (the learner can replace any module there, these functions included), so a
criterion judged by a probe is one a learner could as easily meet for real; no expected value,
size or time a verdict compares with is computed by a probe (see course/testing/README.md).
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock


class FitRecorder:
    """Records (estimator, number of rows) for every `cls.fit` call while started.

    joblib runs in threads meanwhile, so that searches with n_jobs > 1 stay in this process.
    """

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.fits: list[tuple[Any, int]] = []
        self._patch: Any = None
        self._joblib: Any = None

    def start(self) -> None:
        import joblib
        import numpy as np

        original = self.cls.fit
        fits = self.fits

        def spy(estimator: Any, X: Any, y: Any = None, *args: Any, **kwargs: Any) -> Any:
            fits.append((estimator, int(np.shape(X)[0])))
            return original(estimator, X, y, *args, **kwargs)

        self._joblib = joblib.parallel_config(backend="threading")
        self._joblib.__enter__()
        self._patch = mock.patch.object(self.cls, "fit", autospec=True, side_effect=spy)
        self._patch.start()

    def stop(self) -> None:
        if self._patch is not None:
            self._patch.stop()
            self._patch = None
        if self._joblib is not None:
            self._joblib.__exit__(None, None, None)
            self._joblib = None

    def records(self) -> list[tuple[Any, int]]:
        return list(self.fits)


@contextmanager
def watch_fits(cls: type) -> Iterator[list[tuple[Any, int]]]:
    """Record every cls.fit made where the learner's code runs; the list fills when the block ends."""
    from course.testing.remote import on_learner

    fits: list[tuple[Any, int]] = []
    recorder = on_learner(FitRecorder, cls)
    recorder.start()
    try:
        yield fits
    finally:
        recorder.stop()
        fits.extend(tuple(pair) for pair in recorder.records())


def call_each(fn: Any, arguments: list[Any], star: bool = False) -> list[Any]:
    """[fn(a) for a in arguments] (fn(*a) with star), in order, where the learner's code runs.

    One crossing of the boundary for a whole workload: thousands of calls in a test loop would
    each cross it, and a workload timed from outside would time the crossings.
    """
    if star:
        return [fn(*argument) for argument in arguments]
    return [fn(argument) for argument in arguments]


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 -- raises ValueError for an empty cell
    except ValueError:
        return False
    return True


def reaches_compare_digest(factory: Any, app: Any) -> bool:
    """Whether code reachable from the app's views and hooks (and the factory) uses compare_digest."""
    roots = [factory, *app.view_functions.values()]
    for hooks in (app.before_request_funcs, app.after_request_funcs):
        for funcs in hooks.values():
            roots.extend(funcs)
    targets = {id(hmac.compare_digest), id(secrets.compare_digest)}
    learner_globals = factory.__globals__
    learner_modules = {learner_globals.get("__name__"), "__main__"}
    seen, stack = set(), list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if id(obj) in targets:
            return True
        if isinstance(obj, types.MethodType | staticmethod | classmethod):
            stack.append(obj.__func__)
            continue
        if isinstance(obj, type):
            if obj.__module__ in learner_modules:
                stack.extend(vars(obj).values())
            continue
        if not isinstance(obj, types.FunctionType):
            if type(obj).__module__ in learner_modules:
                stack.append(type(obj))
            continue
        if obj.__globals__ is not learner_globals:
            continue  # library code (Flask's, werkzeug's) is not the learner's key check
        codes, names = [obj.__code__], set()
        while codes:
            code = codes.pop()
            names.update(code.co_names)
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        if "compare_digest" in names:
            return True
        stack.extend(obj.__globals__[n] for n in names if n in obj.__globals__)
        stack.extend(c.cell_contents for c in obj.__closure__ or () if _filled(c))
        stack.extend(obj.__defaults__ or ())
    return False


def calls_compare_digest(app: Any, payload: Any, headers: dict[str, str]) -> bool:
    """Whether answering one POST /predict calls compare_digest, however the app reaches it."""
    targets = {id(hmac.compare_digest), id(secrets.compare_digest)}
    libraries = {"flask", "werkzeug", "itsdangerous"}  # their own uses are not the key check
    called = []

    def watch(frame: Any, event: str, arg: Any) -> None:
        if event == "c_call" and id(arg) in targets:
            if str(frame.f_globals.get("__name__", "")).split(".")[0] not in libraries:
                called.append(True)

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        app.test_client().open("/predict", method="POST", data=json.dumps(payload),
                               content_type="application/json", headers=headers).close()
    finally:
        sys.setprofile(previous)
    return bool(called)


def compares_keys_in_constant_time(factory: Any, app: Any, payload: Any,
                                   header_sets: list[dict[str, str]]) -> bool:
    """A request with each header set calls compare_digest, or (when it is called from C code such
    as map or functools.partial, which the profiler cannot see) the app's code reaches it."""
    if any(calls_compare_digest(app, payload, headers) for headers in header_sets):
        return True
    return reaches_compare_digest(factory, app)

