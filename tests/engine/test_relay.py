"""The executor's relay: whole frames both ways, a gate for the learner side, caps that hold."""

from __future__ import annotations

import os
import socket
import struct
import time

import pytest

from course.grading.sandbox.inside.relay import Relay, listen, peer_uid


def frame(body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + body


def read_frame(sock: socket.socket, timeout: float = 5) -> bytes:
    sock.settimeout(timeout)
    head = b""
    while len(head) < 4:
        chunk = sock.recv(4 - len(head))
        if not chunk:
            raise EOFError
        head += chunk
    (size,) = struct.unpack(">I", head)
    body = b""
    while len(body) < size:
        chunk = sock.recv(size - len(body))
        if not chunk:
            raise EOFError
        body += chunk
    return body


@pytest.fixture
def pair():
    """(learner end, grader end, relay)."""
    learner_end, learner_relay = socket.socketpair()
    grader_end, grader_relay = socket.socketpair()
    relay = Relay(learner_relay, grader_relay, frame_cap=1024, queue_cap=4096)
    yield learner_end, grader_end, relay
    relay.stop()
    learner_end.close()
    grader_end.close()


def test_frames_cross_whole_in_both_directions(pair):
    learner, grader, relay = pair
    relay.open_gate()
    grader.sendall(frame(b'{"id": 1}') + frame(b'{"id": 2}')[:5])
    grader.sendall(frame(b'{"id": 2}')[5:])
    assert read_frame(learner) == b'{"id": 1}'
    assert read_frame(learner) == b'{"id": 2}'
    learner.sendall(frame(b'{"re": 1}'))
    assert read_frame(grader) == b'{"re": 1}'


def test_learner_frames_are_dropped_while_no_test_runs(pair):
    learner, grader, relay = pair
    learner.sendall(frame(b"unasked"))
    time.sleep(0.3)
    relay.open_gate()
    learner.sendall(frame(b"asked"))
    assert read_frame(grader) == b"asked"
    assert relay.dropped == 1


def test_close_gate_sends_the_close_frame_after_queued_frames(pair):
    learner, grader, relay = pair
    relay.open_gate()
    grader.sendall(frame(b"call"))
    assert read_frame(learner) == b"call"
    relay.close_gate(frame(b"close"))
    assert read_frame(learner) == b"close"


def test_a_frame_over_the_cap_ends_the_relay_for_both(pair):
    learner, grader, relay = pair
    relay.open_gate()
    learner.sendall(struct.pack(">I", 2**31))
    with pytest.raises(EOFError):
        read_frame(grader)
    assert "frame of 2147483648 bytes" in relay.failure


def test_a_learner_that_closes_ends_the_grader_side(pair):
    learner, grader, relay = pair
    learner.close()
    with pytest.raises(EOFError):
        read_frame(grader)
    assert "learner side closed" in relay.failure


def test_a_side_that_does_not_read_gets_at_most_the_queue_cap(pair):
    learner, grader, relay = pair
    relay.open_gate()
    for _ in range(200):  # 200 KB at the grader, which reads nothing; the queue holds 4 KB
        learner.sendall(frame(b"x" * 1000))
    time.sleep(0.5)
    assert relay.grader.queued <= 4096 and relay.dropped > 0


def test_listen_lets_the_folder_group_connect_and_names_the_peer(tmp_path):
    path = str(tmp_path / "s")
    server = listen(path)
    assert os.stat(path).st_mode & 0o070 == 0o070  # group may connect, umask 007
    client = socket.socket(socket.AF_UNIX)
    client.connect(path)
    conn, _ = server.accept()
    assert peer_uid(conn) == os.getuid()
    for s in (conn, client, server):
        s.close()
