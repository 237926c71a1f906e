"""The learner kernel's end of the boundary (imported only there): answers the grader's requests.

Everything here runs in the learner's process, so learner code can change any of it: its answers
are untrusted by design, and the grader decodes them strictly. The grader's data is trusted here:
pickled objects from the grader are unpickled, and the grader's own objects (a fake clock, a
test's model) arrive as `TestObject` proxies.

    bootstrap_code(path)  -> run silently before the first learner cell
    serve_code(token)     -> run while a test cell runs in the grader kernel
"""

from __future__ import annotations

import io
import pickle
import socket
import sys
from typing import Any

from course.boundary import proxies, services
from course.boundary.codec import BoundaryError
from course.boundary.connection import MAIN, Connection, _Close, trace, trace_to_folder

_connection: LearnerSide | None = None


class LearnerSide(Connection):
    role = "learner"
    handlers = {
        "call": "do_call", "method": "do_method", "getattr": "do_getattr", "setattr": "do_setattr",
        "delattr": "do_delattr", "getitem": "do_getitem", "setitem": "do_setitem",
        "delitem": "do_delitem", "globals": "do_globals", "service": "do_service",
    }

    def __init__(self, sock: Any, namespace: dict[str, Any], **kw: Any) -> None:
        self.namespace = namespace
        super().__init__(sock, **kw)

    def make_proxy(self, ident: int, types: list[list[str]], count: list[int]) -> Any:
        return proxies.make(proxies.TestObject, self, ident, types, count)

    def unpickle(self, data: bytes) -> Any:
        return _Unpickler(io.BytesIO(data), self).load()

    def do_globals(self, msg: dict[str, Any]) -> dict[str, Any]:
        names = self.decoder.decode(msg.get("names"))
        if type(names) is not list or not all(type(n) is str for n in names):
            raise BoundaryError("invalid names")
        return {name: self.namespace[name] for name in names if name in self.namespace}

    def do_service(self, msg: dict[str, Any]) -> Any:
        name = msg.get("name")
        fn = services.LEARNER_SERVICES.get(name) if type(name) is str else None
        if fn is None:
            raise BoundaryError(f"unknown service {str(name)[:30]!r}")
        args, kwargs = self._decode_args(msg)
        return fn(self, *args, **kwargs)

    def serve(self, token: str = "") -> None:
        """Run the grader's main-thread requests here until `close` (with this token) arrives."""
        trace.debug("serve %s starts", token)
        reason = "an exception"
        try:
            while True:
                msg = self.main_inbox.get()
                if isinstance(msg, _Close):
                    if msg.token == token:
                        reason = "its close"
                        return
                    trace.debug("serve %s skips a close for %s", token, msg.token)
                    continue  # a close meant for an earlier, interrupted serve
                if not isinstance(msg, dict):  # the connection broke
                    reason = "a broken connection"
                    return
                if "re" in msg:
                    continue
                self._execute(msg)
        finally:
            trace.debug("serve %s ends on %s", token, reason)


class _Unpickler(pickle.Unpickler):
    """Unpickles the grader's objects, resolving references to objects on either side."""

    def __init__(self, file: Any, conn: LearnerSide) -> None:
        super().__init__(file)
        self.conn = conn

    def persistent_load(self, pid: Any) -> Any:
        if type(pid) is tuple and len(pid) == 2 and pid[0] == "r":
            return self.conn.local(pid[1])
        if type(pid) is tuple and len(pid) == 3 and pid[0] == "h":
            return self.conn.proxy(pid[1], pid[2])
        raise pickle.UnpicklingError("unknown persistent id")


def connect(socket_path: str, namespace: dict[str, Any] | None = None) -> LearnerSide:
    """Connect this (learner) process to the executor's socket and answer requests from now on."""
    global _connection
    trace_to_folder("learner")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(socket_path)
    if namespace is None:
        namespace = sys.modules["__main__"].__dict__
    _connection = LearnerSide(sock, namespace)
    return _connection


def attach(sock: Any, namespace: dict[str, Any]) -> LearnerSide:
    """The learner end over an already connected socket (tests use a socketpair)."""
    global _connection
    _connection = LearnerSide(sock, namespace)
    return _connection


def serving_here() -> bool:
    """Whether this thread is running a request of the grader (learner-side code)."""
    return _connection is not None and getattr(_connection._local, "chain", None) is not None


def serve(token: str = "") -> None:
    if _connection is None:
        raise RuntimeError("course.boundary.learner is not connected")
    _connection.serve(token)


def bootstrap_code(socket_path: str) -> str:
    """Code to run silently in the learner kernel before its first cell."""
    return ("import course.boundary.learner as _course_boundary\n"
            f"_course_boundary.connect({socket_path!r}, globals())\n"
            "del _course_boundary\n")


def serve_code(token: str = "") -> str:
    """Code to run in the learner kernel while a test cell runs in the grader kernel."""
    return ("import course.boundary.learner as _course_boundary\n"
            f"_course_boundary.serve({token!r})\n"
            "del _course_boundary\n")


MAIN_CHAIN = MAIN
