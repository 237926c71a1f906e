"""The grader kernel's end of the boundary (imported only there): proxies for the learner's names.

The grader never runs learner code and never unpickles: every answer is decoded strictly
(course.boundary.codec). The test's own objects go to the learner side by value when they are
library data (a fitted scikit-learn model, a DataFrame: pickled, the grader's data is trusted
there) and by reference when they are the test's code or state (functions, lambdas, bound
methods such as `alerts.append`, instances of classes the test cell defines, objects that cannot
be pickled): learner code then calls them back here, and the test sees exactly what was done to
them. A lent object is call-only (`get_attribute`): no request sets, deletes or reads one of its
attributes. A Redis client crosses as its address (learner code gets its own client to the same
server).

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
#: The protocol methods learner code may call on a lent object (reads through the test's own
#: methods: none of them changes the object, none names one of its attributes).
_DUNDERS_SERVED = {"__len__", "__bool__", "__iter__", "__contains__", "__getitem__",
                   "__enter__", "__exit__", "__repr__", "__str__"}
_MAX_ITEMS = 100_000
#: A Redis client's connection settings that cross with it (the rest is its own internal state).
_REDIS_SETTINGS = {"host", "port", "path", "db", "username", "password", "socket_timeout",
                   "socket_connect_timeout", "socket_keepalive", "retry", "retry_on_timeout",
                   "retry_on_error", "encoding", "encoding_errors", "decode_responses",
                   "health_check_interval", "client_name", "protocol"}


class GraderSide(Connection):
    role = "grader"
    #: Lent objects are call-only: learner code calls them and their methods; it never sets,
    #: deletes or reads one of their attributes (no "setattr", "delattr", "setitem" here).
    handlers = {"call": "do_call", "method": "do_method", "getattr": "do_getattr"}

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

    #: time.monotonic() after which no call waits any longer (a fresh endpoint's time limit)
    deadline: float | None = None

    def wait(self, inbox: Any, timeout: float | None = None) -> Any:
        import queue
        import time

        limit = call_timeout
        if self.deadline is not None:
            left = max(0.0, self.deadline - time.monotonic())
            limit = left if limit is None else min(limit, left)
        try:
            return super().wait(inbox, limit)
        except queue.Empty:
            raise TimeoutError(f"the learner's notebook did not answer within {limit:g} s") from None

    # -- what the learner may do with the test's objects: call them and their methods
    def get_attribute(self, target: Any, name: str) -> Any:
        """A method of a lent object, for learner code to call (never a data attribute)."""
        if name in _DUNDERS_SERVED:
            return _served_dunder(target, name)
        if name.startswith("_"):
            raise AttributeError(f"{name}: the test's objects show no private attributes")
        value = getattr(target, name)
        if not callable(value):
            raise AttributeError(
                f"{name}: an object the test gives your code can be called and its methods used, "
                "but its other attributes cannot be read or changed")
        return value

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
    def local(self, ident: int) -> Any:
        if getattr(self._local, "naming", False):
            return NotLearnerCode()  # a learner name never becomes an object of the test's
        return super().local(ident)

    def values(self, names: list[str]) -> dict[str, Any]:
        """The learner's current values of these names (those it defines)."""
        self._local.naming = True
        try:
            values = self.request("globals", names=list(names))
        finally:
            self._local.naming = False
        if type(values) is not dict:
            raise BoundaryError("the learner side answered the names with something else")
        return values

    def refresh(self) -> None:
        """Bind each learner name in the namespace to the learner's current value (or unbind it).

        A name whose value is (or holds) an object the test lent earlier is bound to a
        `NotLearnerCode` in its place: the test's own callables never answer for the learner.
        """
        values = self.values(self.names)
        for name in self.names:
            if name in values:
                self.namespace[name] = values[name]
            else:
                self.namespace.pop(name, None)


class NotLearnerCode:
    """Stands for a learner name bound to an object the test lent: every use of it fails."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("this name in your notebook refers to an object the test gave your code, "
                        "not to something your notebook defines")

    __call__ = __getattr__ = __getitem__ = __iter__ = __len__ = __bool__ = __enter__ = _refuse

    def __repr__(self) -> str:
        return "<an object the test lent, bound to a name of the learner's notebook>"


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

    def reducer_override(self, obj: Any) -> Any:
        redis = sys.modules.get("redis")
        if redis is not None and type(obj) is redis.Redis:
            # a Redis client crosses as its address: learner code gets a client of its own to the
            # same server, never the test's (whose methods and callbacks it could change)
            from course.boundary.services import redis_client_like

            pool = obj.connection_pool
            settings = {k: v for k, v in pool.connection_kwargs.items() if k in _REDIS_SETTINGS}
            return redis_client_like, (pool.connection_class, settings)
        return NotImplemented

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

