"""The grader kernel's end of the boundary (imported only there): proxies for the learner's names.

The grader never runs learner code and never unpickles: every answer is decoded strictly
(course.boundary.codec). The test's own objects go to the learner side by value when they are
library data (a fitted scikit-learn model, a DataFrame: pickled, the grader's data is trusted
there) and by reference when they are the test's code or state (functions, lambdas, bound
methods such as `alerts.append`, instances of classes the test cell defines, objects that cannot
be pickled such as a Redis client): learner code then calls them back here, and the test sees
exactly what was done to them.

    bootstrap_code(path, names) -> run silently once, before the first test cell
    before_cell_code()          -> run silently before each test cell
"""

from __future__ import annotations

import functools
import io
import pickle
import socket
import sys
import types
from typing import Any

from course.boundary import proxies
from course.boundary.codec import BoundaryError
from course.boundary.connection import MAIN, Connection, trace_to_folder

_connection: GraderSide | None = None
#: Seconds a call may wait for the learner side (None: until the cell's own timeout interrupts).
call_timeout: float | None = None

_NEVER_EXPORTED = (types.ModuleType, types.FrameType, types.TracebackType, types.CodeType)
_DUNDERS_SERVED = {"__len__", "__bool__", "__iter__", "__contains__", "__getitem__", "__setitem__",
                   "__enter__", "__exit__", "__repr__", "__str__"}
_MAX_ITEMS = 100_000


class GraderSide(Connection):
    role = "grader"
    handlers = {"call": "do_call", "method": "do_method", "getattr": "do_getattr",
                "setattr": "do_setattr"}

    def __init__(self, sock: Any, namespace: dict[str, Any], names: list[str], **kw: Any) -> None:
        self.namespace = namespace
        self.names = list(names)
        self.test_modules = {"__main__", str(namespace.get("__name__", "__main__"))}
        super().__init__(sock, **kw)

    def own_chain(self) -> str:
        import threading

        if threading.current_thread() is threading.main_thread():
            return MAIN
        return super().own_chain()

    def wait(self, inbox: Any, timeout: float | None = None) -> Any:
        import queue

        try:
            return super().wait(inbox, call_timeout)
        except queue.Empty:
            raise TimeoutError(f"the learner's notebook did not answer within {call_timeout:g} s") from None

    # -- what the learner may do with the test's objects
    def check_attribute(self, name: str) -> None:
        if name.startswith("_"):
            raise AttributeError(f"{name}: the test's objects show no private attributes")

    def get_attribute(self, target: Any, name: str) -> Any:
        if name.startswith("_") and name not in _DUNDERS_SERVED:
            raise AttributeError(f"{name}: the test's objects show no private attributes")
        if name in _DUNDERS_SERVED:
            return _served_dunder(target, name)
        return getattr(target, name)

    def check_exportable(self, obj: Any) -> None:
        if isinstance(obj, _NEVER_EXPORTED):
            raise BoundaryError(f"a {type(obj).__name__} cannot be passed to the learner's code")

    def make_proxy(self, ident: int, types_: list[list[str]], count: list[int]) -> Any:
        return proxies.make(proxies.LearnerObject, self, ident, types_, count)

    # -- the test's objects: by value (library data) or by reference (the test's code and state)
    def by_value(self, obj: Any) -> bytes | None:
        if self._stays_here(obj):
            return None
        try:
            buffer = io.BytesIO()
            _Pickler(buffer, self).dump(obj)
            return buffer.getvalue()
        except Exception:  # noqa: BLE001 -- what cannot be pickled is lent by reference
            return None

    def _stays_here(self, obj: Any) -> bool:
        if isinstance(obj, types.MethodType):
            owner = obj.__self__
            # a library's classmethod (redis.Redis.from_url) is a constructor: by value, by name;
            # a method bound to an instance keeps that instance's state here (fake.now, rc.get)
            return not isinstance(owner, type) or self._is_test_class(owner)
        if isinstance(obj, functools.partial):
            return True
        if isinstance(obj, types.FunctionType):
            return getattr(obj, "__module__", None) in self.test_modules or "<locals>" in obj.__qualname__
        if isinstance(obj, types.BuiltinMethodType) and not isinstance(
                getattr(obj, "__self__", None), types.ModuleType | type(None)):
            return True  # a bound builtin method such as alerts.append
        cls = obj if isinstance(obj, type) else type(obj)
        return self._is_test_class(cls)

    def _is_test_class(self, cls: type) -> bool:
        return (getattr(cls, "__module__", "") in self.test_modules
                or "<locals>" in getattr(cls, "__qualname__", ""))

    # -- names
    def refresh(self) -> None:
        """Bind each learner name in the namespace to the learner's current value (or unbind it)."""
        values = self.request("globals", names=self.names)
        if type(values) is not dict:
            raise BoundaryError("the learner side answered the names with something else")
        for name in self.names:
            if name in values:
                self.namespace[name] = values[name]
            else:
                self.namespace.pop(name, None)


def _served_dunder(target: Any, name: str) -> Any:
    if name == "__len__":
        return lambda: len(target)
    if name == "__bool__":
        return lambda: bool(target)
    if name == "__iter__":
        def items() -> list[Any]:
            out = []
            for item in target:
                out.append(item)
                if len(out) > _MAX_ITEMS:
                    raise BoundaryError("too many items to send")
            return out
        return items
    if name == "__contains__":
        return lambda item: item in target
    if name in ("__repr__", "__str__"):
        return lambda: repr(target) if name == "__repr__" else str(target)
    if name == "__exit__":
        method = type(target).__exit__
        return lambda *exc: method(target, *exc)
    return getattr(target, name)


class _Pickler(pickle.Pickler):
    """Pickles the test's library objects; learner proxies and the test's own code stay references."""

    def __init__(self, file: Any, conn: GraderSide) -> None:
        super().__init__(file, protocol=5)
        self.conn = conn

    def persistent_id(self, obj: Any) -> Any:
        ident = self.conn.proxy_id(obj)
        if ident is not None:
            return ("r", ident)
        if isinstance(obj, type) and not self.conn._is_test_class(obj):
            return None
        if self.conn._stays_here(obj):
            ref = self.conn.export(obj)
            return ("h", ref["id"], ref["t"])
        return None


def attach(sock: Any, names: list[str], namespace: dict[str, Any]) -> GraderSide:
    """Connect the proxies for `names` in `namespace` over an already connected socket."""
    global _connection
    _connection = GraderSide(sock, namespace, names)
    return _connection


def connect(socket_path: str, names: list[str], namespace: dict[str, Any] | None = None) -> GraderSide:
    trace_to_folder("grader")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(socket_path)
    if namespace is None:
        namespace = sys.modules["__main__"].__dict__
    return attach(sock, names, namespace)


def active() -> GraderSide | None:
    """The grader's connection when this process is a grader kernel attached to a learner."""
    return _connection if _connection is not None and _connection.broken is None else None


def refresh() -> None:
    if _connection is None:
        raise RuntimeError("course.boundary.grader is not attached")
    _connection.refresh()


def bootstrap_code(socket_path: str, names: list[str]) -> str:
    """Code to run silently in the grader kernel before its first test cell."""
    return ("import course.boundary.grader as _course_boundary\n"
            f"_course_boundary.connect({socket_path!r}, {list(names)!r}, globals())\n"
            "del _course_boundary\n")


def before_cell_code() -> str:
    """Code to run silently in the grader kernel before each test cell."""
    return ("import course.boundary.grader as _course_boundary\n"
            "_course_boundary.refresh()\n"
            "del _course_boundary\n")

