"""The strict codec: exact types round-trip, and anything malformed is refused, never guessed."""

from __future__ import annotations

import collections
import enum
import math
import socket
import struct

import numpy as np
import pandas as pd
import pytest

from course.boundary.codec import (
    MAX_DEPTH,
    BoundaryError,
    Decoder,
    Encoder,
    pack_frame,
    parse_body,
    read_frame,
    read_raw_frame,
)


class Tables:
    """A peer with no objects: handles are refused, nothing is unpickled."""

    def export(self, obj):
        raise BoundaryError(f"would lend a {type(obj).__name__}")

    def proxy_id(self, obj):
        return None

    def local(self, ident):
        raise BoundaryError("no objects here")

    def proxy(self, ident, types):
        return ("proxy", ident, types[0][1])

    def exception_class(self, types):
        return RuntimeError

    def by_value(self, obj):
        return None

    def unpickle(self, data):
        raise BoundaryError("pickled data is refused on this side")


def roundtrip(x):
    peer = Tables()
    return Decoder(peer).decode(parse_body(pack_frame({"v": Encoder(peer).encode(x)})[4:])["v"])


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 2**80, 1.5, -0.0, "text ✓", b"\x00\xff", [], (), {},
    [1, (2, 3), {"a": [None]}], {1: "x", 2.5: "y", None: 0, (1, "a"): b"k", b"b": True},
    slice(1, None, -1),
])
def test_plain_values_round_trip_with_their_exact_types(value):
    back = roundtrip(value)
    assert back == value and type(back) is type(value)


def test_special_floats_round_trip():
    back = roundtrip([math.nan, math.inf, -math.inf])
    assert math.isnan(back[0]) and back[1:] == [math.inf, -math.inf]


@pytest.mark.parametrize("value", [np.int64(3), np.int32(-2), np.float32(2.5), np.bool_(True),
                                   np.uint8(200), np.str_("ab"), np.datetime64("2024-01-02")])
def test_numpy_scalars_keep_their_type(value):
    back = roundtrip(value)
    assert type(back) is type(value) and back == value


@pytest.mark.parametrize("array", [
    np.arange(12, dtype=np.int16).reshape(3, 4), np.array([[1.5, np.nan]], dtype=np.float32),
    np.array([True, False]), np.array(["a", "bcd"]), np.zeros((0, 3)),
    np.array(["2020-01-01", "NaT"], dtype="datetime64[ns]"), np.arange(6)[::2],
])
def test_arrays_keep_dtype_shape_and_values(array):
    back = roundtrip(array)
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=array.dtype.kind in "fM")


def test_object_arrays_carry_only_plain_items():
    back = roundtrip(np.array([1, "a", None, 2.5], dtype=object))
    assert back.dtype == object and list(back) == [1, "a", None, 2.5]


def test_pandas_frames_and_series_keep_index_columns_and_dtypes():
    frame = pd.DataFrame({
        "i": [1, 2, 3], "f": [0.5, np.nan, 2.0], "s": ["a", None, "c"],
        "o": pd.Series(["x", 1, None], dtype=object), "c": pd.Categorical(["u", "v", "u"]),
        "n": pd.array([1, None, 3], dtype="Int64"), "b": pd.array([True, None, False], dtype="boolean"),
        "t": pd.to_datetime(["2020-01-01", None, "2021-05-06"]),
    }, index=pd.Index([10, 20, 30], name="row"))
    pd.testing.assert_frame_equal(roundtrip(frame), frame)
    series = pd.Series([1.0, 2.0], index=["a", "b"], name=("x", 1))
    pd.testing.assert_series_equal(roundtrip(series), series)
    pd.testing.assert_index_equal(roundtrip(pd.RangeIndex(2, 20, 3)), pd.RangeIndex(2, 20, 3))
    pd.testing.assert_frame_equal(roundtrip(frame.iloc[:, :0]), frame.iloc[:, :0])


class Point(collections.namedtuple("Point", "x y")):
    pass


class Colour(enum.IntEnum):
    RED = 1


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class LyingDict(dict):
    def items(self):
        return [("forged", 1)]


@pytest.mark.parametrize(("value", "plain"), [
    (Point(1, 2), (1, 2)), (Colour.RED, 1), (LyingFloat(0.25), 0.25),
    (LyingDict(real=2), {"real": 2}), (collections.OrderedDict(a=1), {"a": 1}),
])
def test_subclasses_of_plain_types_cross_as_the_plain_type(value, plain):
    back = roundtrip(value)
    assert type(back) is type(plain) and back == plain


def test_a_container_that_contains_itself_is_refused():
    loop = [1]
    loop.append(loop)
    with pytest.raises(BoundaryError, match="contains itself"):
        Encoder(Tables()).encode(loop)


def test_values_nested_too_deep_are_refused_both_ways():
    deep = []
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(BoundaryError, match="nested"):
        Encoder(Tables()).encode(deep)
    text = "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
    with pytest.raises(BoundaryError, match="nested"):
        Decoder(Tables()).decode(parse_body(('{"v":' + text + "}").encode())["v"])


@pytest.mark.parametrize("body", [
    b"[1, 2]", b"not json", b'{"v": NaN}', b'{"v": Infinity}', b'{"a": 1, "a": 2}',
    b"\xff\xfe", b'{"v": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"v": ' + b"1" * 5000 + b"}",
])
def test_malformed_frames_are_refused(body):
    with pytest.raises(BoundaryError):
        parse_body(body)


@pytest.mark.parametrize("data", [
    {"$": "nd", "dtype": "|O", "shape": [1], "v": "AAAAAAAAAAA="},
    {"$": "nd", "dtype": "<i8", "shape": [2], "v": "AAAAAAAAAAA="},
    {"$": "nd", "dtype": "[('a', '<i4')]", "shape": [1], "v": "AAAAAA=="},
    {"$": "nd", "dtype": "<i8", "shape": [-1], "v": ""},
    {"$": "np", "dtype": "<f8", "v": "AAAA"},
    {"$": "ndo", "shape": [1], "v": [{"$": "h", "id": 1, "t": [["m", "Obj"]]}]},
    {"$": "pkl", "v": "gARdlC4="},
    {"$": "py", "v": "os.system"},
    {"$": "b", "v": "not base64!"},
    {"$": "d", "v": [[[1, 2], "list keys are not hashable"]]},
    {"$": "d", "v": [[1]]},
    {"$": "sl", "v": [1.5, 2, None]},
    {"$": "s", "name": None, "index": {"$": "ix", "range": [0, 3, 1], "name": None},
     "values": {"$": "nd", "dtype": "<i8", "shape": [2], "v": "AAAAAAAAAAAAAAAAAAAAAA=="}},
    {"$": "s", "name": None, "index": {"$": "ix", "range": [0, 1, 1], "name": None},
     "values": {"ext": "object", "v": [1]}},
    {"$": "h", "id": 1, "t": [["m" * 300, "X"]]},
    {"$": "h", "id": "1", "t": [["m", "X"]]},
])
def test_malformed_values_are_refused(data):
    with pytest.raises(BoundaryError):
        Decoder(Tables()).decode(data)


def test_frames_over_the_limit_are_refused_before_their_body_is_read():
    a, b = socket.socketpair()
    with a, b:
        a.sendall(struct.pack(">I", 10_000) + b"x" * 10)
        with pytest.raises(BoundaryError, match="over the 1000-byte limit"):
            read_raw_frame(b, limit=1000)
    with pytest.raises(BoundaryError, match="limit"):
        pack_frame({"v": "x" * 2000}, limit=1000)


def test_a_peer_that_closes_mid_frame_is_an_error_not_a_hang():
    a, b = socket.socketpair()
    a.sendall(struct.pack(">I", 100) + b"{")
    a.close()
    with b, pytest.raises(BoundaryError, match="closed"):
        read_frame(b)


def test_a_value_with_too_many_handles_is_refused():
    from course.boundary.codec import MAX_HANDLES

    many = [{"$": "h", "id": i, "t": [["m", "X"]]} for i in range(MAX_HANDLES + 1)]
    with pytest.raises(BoundaryError, match="objects in one value"):
        Decoder(Tables()).decode(many)
