"""Frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON holding one object.

Both ends and the executor's relay read a frame's length before its body and refuse one over the
cap (64 MiB by default) without reading it. JSON constants (NaN, Infinity), duplicate keys and
anything but an object at the top are refused too.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

MAX_FRAME = 64 * 1024 * 1024
_HEADER = struct.Struct(">I")


class BoundaryError(Exception):
    """Something that crossed (or tried to cross) the boundary broke its rules."""


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def pack_frame(obj: Any, limit: int = MAX_FRAME) -> bytes:
    """The bytes of one frame holding obj (BoundaryError when it would exceed limit)."""
    try:
        body = _dumps(obj)
    except (TypeError, ValueError) as exc:
        raise BoundaryError(f"not JSON-serialisable: {exc}") from None
    if len(body) > limit:
        raise BoundaryError(f"a frame of {len(body)} bytes is over the {limit}-byte limit")
    return _HEADER.pack(len(body)) + body


def close_frame(token: str = "") -> bytes:
    """The frame that ends the learner side's serve(token): the executor sends it after a test cell."""
    return pack_frame({"op": "close", "token": token})


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        try:
            chunk = sock.recv(min(n - got, 1 << 20))
        except OSError as exc:
            raise BoundaryError(f"the connection failed: {exc}") from None
        if not chunk:
            raise BoundaryError("the other side closed the connection")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_raw_frame(sock: socket.socket, limit: int = MAX_FRAME) -> bytes:
    """One whole frame (header and body), unparsed, after checking its length: what a relay forwards."""
    header = _recv_exactly(sock, _HEADER.size)
    (size,) = _HEADER.unpack(header)
    if size > limit:
        raise BoundaryError(f"a frame of {size} bytes is over the {limit}-byte limit")
    return header + _recv_exactly(sock, size)


def _no_constant(name: str) -> Any:
    raise BoundaryError(f"JSON constant {name} is not allowed")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BoundaryError(f"duplicate key {key!r} in a frame")
        out[key] = value
    return out


def parse_body(body: bytes) -> dict[str, Any]:
    """The JSON object of a frame body; BoundaryError for anything else."""
    try:
        obj = json.loads(body.decode("utf-8"), parse_constant=_no_constant, object_pairs_hook=_pairs)
    except BoundaryError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BoundaryError(f"a frame is not valid JSON: {type(exc).__name__}") from None
    if type(obj) is not dict:
        raise BoundaryError("a frame must hold a JSON object")
    return obj


def read_frame(sock: socket.socket, limit: int = MAX_FRAME) -> dict[str, Any]:
    return parse_body(read_raw_frame(sock, limit)[_HEADER.size:])


def write_frame(sock: socket.socket, obj: Any, limit: int = MAX_FRAME) -> None:
    try:
        sock.sendall(pack_frame(obj, limit))
    except OSError as exc:
        raise BoundaryError(f"the connection failed: {exc}") from None
