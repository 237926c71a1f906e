"""The executor's relay of boundary frames between the learner kernel and the grader kernel.

Each kernel connects to a Unix socket the executor listens on, in a folder only that kernel's uid
(and the executor) can enter; the executor accepts exactly one connection per side, checks the
peer's uid and unlinks the path. Frames (a 4-byte big-endian length, then the body) are copied
whole and unchanged. The relay reads only lengths: a frame over the cap, or a learner side that
closes, ends the relay, and the grader side then reads "the other side closed the connection" on
its next call instead of waiting for a timeout. Frames from the learner side are dropped while no
test cell runs (nobody asked for them), and a side that does not read gets at most `queue_cap`
bytes queued: the rest of a flood is dropped.
"""

from __future__ import annotations

import logging
import os
import selectors
import socket
import struct
import threading
from collections import deque

log = logging.getLogger(__name__)

HEADER = struct.Struct(">I")


def listen(path: str) -> socket.socket:
    """A listening Unix socket at `path` that the folder's group may connect to."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o007)
    try:
        sock.bind(path)
    finally:
        os.umask(old)
    sock.listen(1)
    return sock


def peer_uid(sock: socket.socket) -> int:
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


class _Side:
    def __init__(self, name: str, sock: socket.socket) -> None:
        self.name = name
        self.sock = sock
        self.inbox = bytearray()
        self.outbox: deque[bytes] = deque()
        self.queued = 0
        self.open = True


class Relay:
    """Copies whole frames between two connected sockets, in a thread of its own."""

    def __init__(self, learner: socket.socket, grader: socket.socket, *, frame_cap: int,
                 queue_cap: int) -> None:
        self.learner = _Side("learner", learner)
        self.grader = _Side("grader", grader)
        self.frame_cap = frame_cap
        self.queue_cap = queue_cap
        self.lock = threading.Lock()
        self.gate = False  # learner frames reach the grader only while a test cell runs
        self.dropped = 0
        self.failure: str | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._stop = False
        for side in (self.learner, self.grader):
            side.sock.setblocking(False)
        self.thread = threading.Thread(target=self._run, name="relay", daemon=True)
        self.thread.start()

    # --- called by the executor ------------------------------------------------------------

    def open_gate(self) -> None:
        with self.lock:
            self.gate = True
        self._wake()

    def close_gate(self, close_frame: bytes) -> None:
        """End of a test cell: the learner side gets `close_frame`, which ends its serving."""
        with self.lock:
            self.gate = False
            self._queue(self.learner, close_frame)
        self._wake()

    def end(self, reason: str) -> None:
        """Stop relaying now: both kernels read a closed connection."""
        with self.lock:
            self._end(reason)
        self._wake()

    def stop(self) -> None:
        self._stop = True
        self._wake()
        self.thread.join(timeout=5)
        for side in (self.learner, self.grader):
            try:
                side.sock.close()
            except OSError:
                pass
        self._wake_r.close()
        self._wake_w.close()

    # --- the thread ------------------------------------------------------------------------

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def _queue(self, side: _Side, frame: bytes) -> None:
        if not side.open:
            return
        if side.queued + len(frame) > self.queue_cap:
            self.dropped += 1
            return
        side.outbox.append(frame)
        side.queued += len(frame)

    def _frames(self, side: _Side) -> list[bytes]:
        frames = []
        while len(side.inbox) >= HEADER.size:
            (size,) = HEADER.unpack_from(side.inbox)
            if size > self.frame_cap:
                raise ValueError(f"the {side.name} side sent a frame of {size} bytes "
                                 f"(the limit is {self.frame_cap})")
            if len(side.inbox) < HEADER.size + size:
                break
            frames.append(bytes(side.inbox[:HEADER.size + size]))
            del side.inbox[:HEADER.size + size]
        return frames

    def _end(self, reason: str) -> None:
        """Stop relaying: the grader side reads EOF on its next call, the learner side too."""
        if self.failure is None:
            self.failure = reason
            log.info("relay stopped: %s", reason)
        for side in (self.learner, self.grader):
            side.open = False
            try:
                side.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self._wake_r, selectors.EVENT_READ, None)
        try:
            while not self._stop and self.failure is None:
                for side in (self.learner, self.grader):
                    events = selectors.EVENT_READ | (selectors.EVENT_WRITE if side.outbox else 0)
                    try:
                        sel.modify(side.sock, events, side)
                    except KeyError:
                        sel.register(side.sock, events, side)
                for key, mask in sel.select(timeout=1.0):
                    if key.data is None:
                        self._wake_r.recv(4096)
                        continue
                    side: _Side = key.data
                    other = self.grader if side is self.learner else self.learner
                    if mask & selectors.EVENT_READ:
                        self._read(side, other)
                    if mask & selectors.EVENT_WRITE and side.open:
                        self._write(side)
        except (OSError, ValueError) as exc:
            self._end(str(exc))
        finally:
            sel.close()

    def _read(self, side: _Side, other: _Side) -> None:
        try:
            chunk = side.sock.recv(1 << 20)
        except BlockingIOError:
            return
        if not chunk:
            self._end(f"the {side.name} side closed the connection")
            return
        side.inbox += chunk
        frames = self._frames(side)
        with self.lock:
            for frame in frames:
                if side is self.learner and not self.gate:
                    self.dropped += 1
                    continue
                self._queue(other, frame)

    def _write(self, side: _Side) -> None:
        with self.lock:
            while side.outbox:
                frame = side.outbox[0]
                try:
                    sent = side.sock.send(frame)
                except BlockingIOError:
                    return
                if sent < len(frame):
                    side.outbox[0] = frame[sent:]
                    side.queued -= sent
                    return
                side.outbox.popleft()
                side.queued -= len(frame)
