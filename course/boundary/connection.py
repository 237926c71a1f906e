"""One end of the boundary: a socket, a reader thread, and the objects each side holds for the other.

Both kernels run the same machinery with different policies (`learner.LearnerSide`,
`grader.GraderSide`). Requests and replies travel both ways: the grader calls the learner's
functions, and the learner calls back the test's own callables (a fake clock, `alerts.append`).

Threads mirror each other. Every request carries the *chain* it belongs to: the grader's main
thread is chain "main"; a thread that serves a request of chain C sends its own requests as C, so
a callback runs on the very thread that is waiting for the call that caused it. Requests of a chain
nobody waits on run on a worker thread of their own (one per chain), so eight grader threads
calling a learner's rate limiter run as eight learner threads, and four learner pool threads
calling a test's model run as four grader threads. On the learner side, requests of chain "main"
run on the kernel's main thread, inside `serve()`.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
import weakref
from typing import Any

from course.boundary.codec import (
    MAX_FRAME,
    BoundaryError,
    Decoder,
    Encoder,
    pack_frame,
    read_frame,
    type_names,
)
from course.boundary.errors import ErrorMapper

log = logging.getLogger(__name__)
#: One line per frame sent or received and per serve (off unless COURSE_BOUNDARY_TRACE names a
#: folder: `trace_to_folder`). For finding a hang, not for grading.
trace = logging.getLogger("course.boundary.trace")


def _summary(msg: dict[str, Any]) -> str:
    keys = ("op", "id", "re", "chain", "ok", "name", "token")
    return " ".join(f"{k}={msg[k]}" for k in keys if k in msg)


def trace_to_folder(role: str) -> None:
    """Write this process's boundary trace to $COURSE_BOUNDARY_TRACE/<role>-<pid>.log, if set."""
    import os

    folder = os.environ.get("COURSE_BOUNDARY_TRACE")
    if not folder or trace.handlers:
        return
    handler = logging.FileHandler(os.path.join(folder, f"{role}-{os.getpid()}.log"))
    handler.setFormatter(logging.Formatter("%(relativeCreated)d %(threadName)s %(message)s"))
    trace.addHandler(handler)
    trace.setLevel(logging.DEBUG)
    trace.propagate = False

MAIN = "main"
_BROKEN = object()


class _Close:
    def __init__(self, token: str) -> None:
        self.token = token


class Connection:
    """A socket to the other kernel, with the tables of objects each side lent the other."""

    role = "?"
    #: ops this side answers: name -> method name
    handlers: dict[str, str] = {}

    def __init__(self, sock: Any, *, frame_limit: int = MAX_FRAME, max_workers: int = 64) -> None:
        self.sock = sock
        self.frame_limit = frame_limit
        self.max_workers = max_workers
        self.encoder = Encoder(self)
        self.decoder = Decoder(self)
        self.errors = ErrorMapper(self.encoder, self.decoder, with_traceback=self.role == "learner",
                                  by_handle=self.role == "grader")
        self.broken: BaseException | None = None
        self._ids = itertools.count(1)
        self._send_lock = threading.Lock()
        self._table_lock = threading.RLock()
        self._local = threading.local()
        self._waiting: dict[int, queue.SimpleQueue] = {}
        self._bound: dict[str, queue.SimpleQueue] = {}
        self._workers: dict[str, queue.SimpleQueue] = {}
        self.main_inbox: queue.SimpleQueue = queue.SimpleQueue()
        # objects lent to the other side: id -> [object, times sent]; id(object) -> id
        self._exports: dict[int, list[Any]] = {}
        self._export_ids: dict[int, int] = {}
        self._export_counter = itertools.count(1)
        # proxies of the other side's objects: id -> proxy (and how often that id arrived)
        self._proxies: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
        self._released: list[tuple[int, list[int]]] = []
        self._reader = threading.Thread(target=self._read_loop, name=f"boundary-{self.role}-reader",
                                        daemon=True)
        self._reader.start()

    # ------------------------------------------------------------ tables (codec's Peer)
    def export(self, obj: Any) -> dict[str, Any]:
        self.check_exportable(obj)
        with self._table_lock:
            ident = self._export_ids.get(id(obj))
            if ident is None:
                ident = next(self._export_counter)
                self._exports[ident] = [obj, 0]
                self._export_ids[id(obj)] = ident
            self._exports[ident][1] += 1
        return {"$": "h", "id": ident, "t": type_names(type(obj))}

    def check_exportable(self, obj: Any) -> None:
        """Raise BoundaryError for objects this side never lends."""

    def local(self, ident: int) -> Any:
        with self._table_lock:
            entry = self._exports.get(ident)
        if entry is None:
            raise BoundaryError(f"unknown object #{ident} (it was released or never lent)")
        return entry[0]

    def proxy_id(self, obj: Any) -> int | None:
        cls = type(obj)
        if getattr(cls, "_boundary_proxy", False) and object.__getattribute__(obj, "_conn") is self:
            return object.__getattribute__(obj, "_id")
        return None

    def proxy(self, ident: int, types: list[list[str]]) -> Any:
        with self._table_lock:
            existing = self._proxies.get(ident)
            if existing is not None:
                object.__getattribute__(existing, "_count")[0] += 1
                return existing
            count = [1]
            made = self.make_proxy(ident, types, count)
            self._proxies[ident] = made
            weakref.finalize(made, self._released.append, (ident, count))
            return made

    def make_proxy(self, ident: int, types: list[list[str]], count: list[int]) -> Any:
        raise NotImplementedError


    def by_value(self, obj: Any) -> bytes | None:
        return None

    def unpickle(self, data: bytes) -> Any:
        raise BoundaryError("pickled data is refused on this side")

    def _release(self, pairs: Any) -> None:
        if type(pairs) is not list:
            return
        with self._table_lock:
            for pair in pairs:
                if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not int or type(pair[1]) is not int:
                    continue
                entry = self._exports.get(pair[0])
                if entry is None:
                    continue
                entry[1] -= pair[1]
                if entry[1] <= 0:
                    del self._exports[pair[0]]
                    self._export_ids.pop(id(entry[0]), None)

    # ------------------------------------------------------------ sending
    def _send(self, msg: dict[str, Any]) -> None:
        if self.broken is not None:
            raise BoundaryError(f"the connection is closed ({self.broken})")
        with self._send_lock:
            if self._released:
                done, self._released[:] = list(self._released), []
                msg["rel"] = [[ident, count[0]] for ident, count in done]
            data = pack_frame(msg, self.frame_limit)
            if trace.handlers:
                trace.debug("send %s", _summary(msg))
            try:
                self.sock.sendall(data)
            except OSError as exc:
                self._fail(BoundaryError(f"the connection failed: {exc}"))
                raise self.broken from None  # type: ignore[misc]

    def chain(self) -> str:
        tag = getattr(self._local, "chain", None)
        if tag is None:
            tag = self.own_chain()
        return tag

    def own_chain(self) -> str:
        return f"{self.role[0]}{threading.get_ident()}"

    def _inbox(self) -> queue.SimpleQueue:
        inbox = getattr(self._local, "inbox", None)
        if inbox is None:
            inbox = self._local.inbox = queue.SimpleQueue()
        return inbox

    def request(self, op: str, **fields: Any) -> Any:
        """Send a request and wait for its reply, serving nested requests of this chain meanwhile."""
        if self.broken is not None:
            raise BoundaryError(f"the connection to the other kernel is closed ({self.broken})")
        encoded = {key: self.encoder.encode(value) for key, value in fields.items()}
        rid = next(self._ids)
        tag = self.chain()
        inbox = self._inbox()
        bound, previous = False, None
        try:  # bound inside the try: an interrupt at any point leaves no stale binding behind
            with self._table_lock:
                self._waiting[rid] = inbox
                previous = self._bound.get(tag)
                self._bound[tag] = inbox
                bound = True
            self._send({"id": rid, "op": op, "chain": tag, **encoded})
            while True:
                msg = self.wait(inbox)
                if msg is _BROKEN:
                    raise BoundaryError(f"the connection to the other kernel is closed ({self.broken})")
                if isinstance(msg, _Close):
                    continue
                if "re" in msg:
                    if msg["re"] == rid:
                        return self._result(msg)
                    continue  # a late reply to an abandoned request
                self._execute(msg)
        finally:
            with self._table_lock:
                self._waiting.pop(rid, None)
                if bound and self._bound.get(tag) is inbox:
                    if previous is None:
                        self._bound.pop(tag, None)
                    else:
                        self._bound[tag] = previous

    def wait(self, inbox: queue.SimpleQueue, timeout: float | None = None) -> Any:
        """The next message for this thread; short waits so that signals (a cell's timeout) get in."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                return inbox.get(timeout=0.05 if deadline is None else
                                 max(0.0, min(0.05, deadline - time.monotonic())))
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    def _result(self, msg: dict[str, Any]) -> Any:
        if msg.get("ok") is True:
            return self.decoder.decode(msg.get("v"))
        err = msg.get("err")
        if type(err) is not dict:
            raise BoundaryError("a malformed error reply")
        raise self.rebuild_error(err)

    def exception_class(self, types: list[list[str]]) -> type:
        return self.errors.exception_class(types)

    def class_value(self, ref: Any) -> type:
        return self.errors.class_value(ref)

    def rebuild_error(self, err: dict[str, Any]) -> BaseException:
        return self.errors.rebuild(err)

    def describe_error(self, exc: BaseException) -> dict[str, Any]:
        return self.errors.describe(exc)

    # ------------------------------------------------------------ receiving
    def _read_loop(self) -> None:
        try:
            while True:
                msg = read_frame(self.sock, self.frame_limit)
                self._dispatch(msg)
        except BoundaryError as exc:
            self._fail(exc)
        except Exception as exc:  # noqa: BLE001 -- whatever breaks the reader breaks the connection
            self._fail(BoundaryError(f"{type(exc).__name__}: {exc}"))

    def _fail(self, exc: BaseException) -> None:
        if self.broken is None:
            self.broken = exc
            log.debug("boundary %s connection closed: %s", self.role, exc)
        with self._table_lock:
            inboxes = [*self._waiting.values(), *self._workers.values(), self.main_inbox]
        for inbox in inboxes:
            inbox.put(_BROKEN)
        try:
            self.sock.close()
        except OSError:
            pass

    def close(self) -> None:
        self._fail(BoundaryError("closed by this side"))

    def _dispatch(self, msg: dict[str, Any]) -> None:
        if trace.handlers:
            trace.debug("recv %s", _summary(msg))
        self._release(msg.pop("rel", None))
        if "re" in msg:
            rid = msg["re"]
            with self._table_lock:
                inbox = self._waiting.get(rid) if type(rid) is int else None
            if inbox is not None:
                inbox.put(msg)
            return
        op = msg.get("op")
        if op == "close":
            token = msg.get("token")
            self.main_inbox.put(_Close(token if type(token) is str else ""))
            return
        tag = msg.get("chain")
        if type(tag) is not str or not 0 < len(tag) <= 64 or type(msg.get("id")) is not int:
            raise BoundaryError("a request without a valid id and chain")
        with self._table_lock:
            inbox = self._bound.get(tag)
        if inbox is not None:
            inbox.put(msg)
        elif tag == MAIN and self.role == "learner":
            self.main_inbox.put(msg)
        else:
            self._worker(tag, msg)

    def _worker(self, tag: str, msg: dict[str, Any]) -> None:
        with self._table_lock:
            inbox = self._workers.get(tag)
            if inbox is None:
                if len(self._workers) >= self.max_workers:
                    inbox = None
                else:
                    inbox = self._workers[tag] = queue.SimpleQueue()
                    threading.Thread(target=self._work, args=(tag, inbox), daemon=True,
                                     name=f"boundary-{self.role}-{tag}").start()
        if inbox is None:
            self._send_error(msg["id"], BoundaryError(f"more than {self.max_workers} threads at once"))
            return
        inbox.put(msg)

    def _work(self, tag: str, inbox: queue.SimpleQueue) -> None:
        self._local.inbox = inbox
        while True:
            msg = inbox.get()
            if msg is _BROKEN:
                return
            if isinstance(msg, _Close) or "re" in msg:
                continue
            self._execute(msg)

    # ------------------------------------------------------------ executing requests
    def _execute(self, msg: dict[str, Any]) -> None:
        rid = msg["id"]
        previous = getattr(self._local, "chain", None)
        interrupted: BaseException | None = None
        try:
            self._local.chain = msg["chain"]
            name = self.handlers.get(msg.get("op"))  # type: ignore[arg-type]
            if name is None:
                raise BoundaryError(f"unknown request {str(msg.get('op'))[:30]!r}")
            result = getattr(self, name)(msg)
            reply = {"re": rid, "ok": True, "v": self.encoder.encode(result)}
        except BaseException as exc:  # noqa: BLE001 -- every failure goes back as an error reply
            if isinstance(exc, KeyboardInterrupt):
                interrupted = exc
            reply = {"re": rid, "ok": False, "err": self.describe_error(exc)}
        finally:
            self._local.chain = previous
        try:
            self._send(reply)
        except BoundaryError as exc:
            if self.broken is None:  # the answer itself is over the frame limit
                self._send_error(rid, exc)
        if interrupted is not None:
            raise interrupted

    def _send_error(self, rid: int, exc: BaseException) -> None:
        try:
            self._send({"re": rid, "ok": False, "err": self.describe_error(exc)})
        except BoundaryError:
            pass

    def _decode_args(self, msg: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        args = self.decoder.decode(msg.get("args", []))
        kwargs = self.decoder.decode(msg.get("kw", {"$": "d", "v": []}))
        if type(args) is not list or type(kwargs) is not dict or not all(type(k) is str for k in kwargs):
            raise BoundaryError("invalid call arguments")
        return args, kwargs

    def _target(self, msg: dict[str, Any]) -> Any:
        ref = msg.get("obj")
        if type(ref) is not dict or ref.get("$") != "r":
            raise BoundaryError("a request must name one of this side's objects")
        return self.decoder.decode(ref)

    def _name(self, msg: dict[str, Any]) -> str:
        name = msg.get("name")
        if type(name) is not str or not name.isidentifier():
            raise BoundaryError("invalid attribute name")
        return name

    def do_call(self, msg: dict[str, Any]) -> Any:
        target = self._target(msg)
        args, kwargs = self._decode_args(msg)
        return target(*args, **kwargs)

    def do_method(self, msg: dict[str, Any]) -> Any:
        target = self._target(msg)
        method = self.get_attribute(target, self._name(msg))
        args, kwargs = self._decode_args(msg)
        return method(*args, **kwargs)

    def get_attribute(self, target: Any, name: str) -> Any:
        return getattr(target, name)

    def do_getattr(self, msg: dict[str, Any]) -> Any:
        return self.get_attribute(self._target(msg), self._name(msg))

    def do_setattr(self, msg: dict[str, Any]) -> None:
        target, name = self._target(msg), self._name(msg)
        self.check_attribute(name)
        setattr(target, name, self.decoder.decode(msg.get("value")))

    def do_delattr(self, msg: dict[str, Any]) -> None:
        target, name = self._target(msg), self._name(msg)
        self.check_attribute(name)
        delattr(target, name)

    def check_attribute(self, name: str) -> None:
        """Raise for attribute names this side never exposes."""

    def do_getitem(self, msg: dict[str, Any]) -> Any:
        return self._target(msg)[self.decoder.decode(msg.get("key"))]

    def do_setitem(self, msg: dict[str, Any]) -> None:
        self._target(msg)[self.decoder.decode(msg.get("key"))] = self.decoder.decode(msg.get("value"))

    def do_delitem(self, msg: dict[str, Any]) -> None:
        del self._target(msg)[self.decoder.decode(msg.get("key"))]
