"""Both ends of the boundary in one process (threads), and a raw end that a test scripts by hand."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from course.boundary import grader, learner
from course.boundary.codec import read_frame, write_frame


@dataclass
class Pair:
    """A grader namespace whose learner names are served by a learner namespace."""

    grader_ns: dict[str, Any]
    learner_ns: dict[str, Any]
    grader_side: Any
    learner_side: Any

    def __getitem__(self, name: str) -> Any:
        return self.grader_ns[name]


def _serve_forever(side: Any) -> None:
    while side.broken is None:
        side.serve("never")


@pytest.fixture
def make_pair() -> Iterator[Any]:
    made: list[Pair] = []

    def make(source: str = "", names: list[str] | None = None, **objects: Any) -> Pair:
        learner_ns: dict[str, Any] = {"__name__": "__learner__"}
        exec(source, learner_ns)
        learner_ns.update(objects)
        a, b = socket.socketpair()
        lside = learner.attach(a, learner_ns)
        threading.Thread(target=_serve_forever, args=(lside,), daemon=True).start()
        if names is None:
            names = [n for n in learner_ns if not n.startswith("__")]
        grader_ns: dict[str, Any] = {"__name__": "__main__"}
        gside = grader.attach(b, names, grader_ns)
        gside.refresh()
        pair = Pair(grader_ns, learner_ns, gside, lside)
        made.append(pair)
        return pair

    yield make
    for pair in made:
        pair.grader_side.close()
        pair.learner_side.close()
    grader._connection = None
    learner._connection = None


@dataclass
class RawLearner:
    """A learner end that answers only what the test tells it to (a hostile learner side)."""

    sock: socket.socket
    grader_ns: dict[str, Any]
    side: Any
    seen: list[dict[str, Any]] = field(default_factory=list)

    def next_request(self) -> dict[str, Any]:
        msg = read_frame(self.sock)
        while "re" in msg or msg.get("op") == "close":
            msg = read_frame(self.sock)
        self.seen.append(msg)
        return msg

    def reply(self, request: dict[str, Any], **fields: Any) -> None:
        write_frame(self.sock, {"re": request["id"], **fields})

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)


@pytest.fixture
def raw_learner() -> Iterator[Any]:
    made: list[RawLearner] = []

    def make(names: list[str]) -> RawLearner:
        a, b = socket.socketpair()
        grader_ns: dict[str, Any] = {"__name__": "__main__"}
        side = grader.attach(b, names, grader_ns)
        raw = RawLearner(a, grader_ns, side)
        made.append(raw)
        return raw

    yield make
    for raw in made:
        raw.side.close()
        raw.sock.close()
    grader._connection = None


def answer_in_thread(fn: Any) -> threading.Thread:
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread
