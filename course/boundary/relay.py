"""A relay between the two kernels: one listening socket each, whole frames copied both ways.

The executor owns the sockets (each in a folder only that side's uid can enter); the kernels
connect to them (`learner.bootstrap_code`, `grader.bootstrap_code`). Each path accepts exactly
one connection and is unlinked once it has. Frames are checked against the size cap and
forwarded unchanged; a broken or oversized frame ends the relay (both kernels then see a closed
connection). `close_learner(token)` ends the learner side's `serve(token)` after a test cell.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from pathlib import Path

from course.boundary.codec import MAX_FRAME, BoundaryError, close_frame, read_raw_frame

log = logging.getLogger(__name__)


class Relay:
    def __init__(self, learner_path: str | Path, grader_path: str | Path, *,
                 frame_limit: int = MAX_FRAME, accept_timeout: float = 120.0) -> None:
        self.paths = {"learner": str(learner_path), "grader": str(grader_path)}
        self.frame_limit = frame_limit
        self.accept_timeout = accept_timeout
        self.socks: dict[str, socket.socket] = {}
        self._listeners: dict[str, socket.socket] = {}
        self._write_locks = {"learner": threading.Lock(), "grader": threading.Lock()}
        self._ready = threading.Event()
        self.error: BaseException | None = None
        self.closed = False

    def listen(self) -> None:
        """Bind both paths (before the kernels are told where to connect)."""
        for side, path in self.paths.items():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(path)
            listener.listen(1)
            listener.settimeout(self.accept_timeout)
            self._listeners[side] = listener
        threading.Thread(target=self._accept_and_relay, name="boundary-relay", daemon=True).start()

    def _accept_and_relay(self) -> None:
        try:
            for side in ("learner", "grader"):
                listener = self._listeners.pop(side)
                conn, _ = listener.accept()
                listener.close()
                os.unlink(self.paths[side])
                self.socks[side] = conn
        except OSError as exc:
            self.error = exc
            self._ready.set()
            return
        self._ready.set()
        threading.Thread(target=self._pump, args=("learner", "grader"), daemon=True,
                         name="boundary-relay-l2g").start()
        self._pump("grader", "learner")

    def wait_connected(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout) and self.error is None and len(self.socks) == 2

    def _pump(self, source: str, target: str) -> None:
        try:
            while True:
                frame = read_raw_frame(self.socks[source], self.frame_limit)
                self._write(target, frame)
        except (BoundaryError, OSError) as exc:
            if not self.closed:
                log.debug("relay %s -> %s ended: %s", source, target, exc)
                self.error = self.error or exc
            self.close()

    def _write(self, side: str, data: bytes) -> None:
        with self._write_locks[side]:
            self.socks[side].sendall(data)

    def close_learner(self, token: str = "") -> None:
        """End the learner side's serve(token)."""
        if "learner" in self.socks and not self.closed:
            try:
                self._write("learner", close_frame(token))
            except OSError as exc:
                self.error = self.error or exc

    def close(self) -> None:
        self.closed = True
        for sock in [*self.socks.values(), *self._listeners.values()]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
