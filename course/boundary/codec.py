"""The strict codec: the exact types that may cross the boundary, inside frames (`frames.py`).

Values inside a frame are plain JSON (None, bool, int, str, lists) or tagged objects `{"$": TAG, ...}`:

| tag | value | decoded as |
|---|---|---|
| `f` | `"nan"`, `"inf"`, `"-inf"` | float (finite floats are JSON numbers) |
| `t` | items | tuple |
| `d` | `[[key, value], ...]` (keys: None, bool, int, float, str, bytes or tuples of those) | dict |
| `b` | base64 | bytes |
| `sl` | `[start, stop, step]` | slice |
| `nd` | dtype, shape, base64 data | numpy array (dtype from an allow-list, never object) |
| `ndo` | shape, items | numpy object array whose items are decoded plain scalars |
| `np` | dtype, base64 data | numpy scalar of that exact type |
| `ix` / `s` / `df` | index, values, names | pandas Index, Series, DataFrame (dtypes by name, allow-listed) |
| `h` | id, type names | a proxy of an object that lives on the sender's side |
| `r` | id | the receiver's own object, sent back |
| `h` + `x`, `b` | id, type names, bases (the same way) | an exception class: in the grader, a class made for that handle (`errors.py`) |
| `pkl` | base64 pickle | only grader -> learner (the grader's data is trusted there) |

The decoder builds only these types and raises BoundaryError for anything else. It never
unpickles unless its peer allows it (`Peer.unpickle`), which only the learner side does.
"""

from __future__ import annotations

import base64
import math
import sys
import threading
from typing import Any, Protocol

from course.boundary.frames import (  # noqa: F401 -- frames are part of the codec's interface
    MAX_FRAME,
    BoundaryError,
    close_frame,
    pack_frame,
    parse_body,
    read_frame,
    read_raw_frame,
    write_frame,
)

MAX_DEPTH = 100
#: Handles one value may hold (each becomes a proxy object on the receiving side).
MAX_HANDLES = 100_000
#: Type names sent with a handle: enough of the MRO to name it and its bases.
MAX_MRO = 12
_NUMPY_KINDS = set("biufcmMUS")
_EXTENSION_DTYPES = {
    "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
    "Float32", "Float64", "boolean", "string", "str",
}


# ---------------------------------------------------------------- values


class Peer(Protocol):
    """What the codec needs from a connection: object tables, proxies, and its pickle policy."""

    def export(self, obj: Any) -> dict[str, Any]: ...  # {"$": "h", "id", "t"} for a local object
    def proxy_id(self, obj: Any) -> int | None: ...  # the remote id when obj is a proxy
    def local(self, ident: int) -> Any: ...  # a local object the peer sent back
    def proxy(self, ident: int, types: list[list[str]]) -> Any: ...
    def exception_class(self, types: list[list[str]]) -> type: ...  # by names (a raised error's)
    def class_value(self, ref: ClassRef) -> type: ...  # an exception class sent as a value
    def by_value(self, obj: Any) -> bytes | None: ...  # pickled bytes, or None: send a handle
    def unpickle(self, data: bytes) -> Any: ...


class ClassRef:
    """An exception class of the sender, as decoded: its handle, its names, its direct bases."""

    __slots__ = ("ident", "types", "bases")

    def __init__(self, ident: int, types: list[list[str]], bases: list[ClassRef]) -> None:
        self.ident, self.types, self.bases = ident, types, bases


def type_names(cls: type) -> list[list[str]]:
    """[[module, qualname], ...] for cls and its bases (what a handle says it is)."""
    out = []
    for klass in cls.__mro__[:MAX_MRO]:
        out.append([str(getattr(klass, "__module__", "") or ""), str(getattr(klass, "__qualname__", "") or "")])
    return out


def _b64(data: bytes | memoryview) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if type(text) is not str:
        raise BoundaryError("expected base64 text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise BoundaryError("invalid base64 data") from None


def _float(x: float) -> Any:
    if math.isfinite(x):
        return x
    return {"$": "f", "v": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


class Handle:
    """Wraps an object that must cross as a handle even when it is plain data (learner_copy)."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj


class Encoder:
    """Turns values into JSON-ready data for one peer (plain data by value, the rest by handle)."""

    def __init__(self, peer: Peer) -> None:
        self.peer = peer

    def encode(self, x: Any) -> Any:
        return self._enc(x, 0, set())

    def _enc(self, x: Any, depth: int, path: set[int]) -> Any:
        if depth > MAX_DEPTH:
            raise BoundaryError(f"a value nested more than {MAX_DEPTH} levels deep")
        t = type(x)
        if x is None or t is bool or t is int or t is str:
            return x
        if t is float:
            return _float(x)
        if t is bytes:
            return {"$": "b", "v": _b64(x)}
        if t is Handle:
            return self.peer.export(x.obj)
        ident = self.peer.proxy_id(x)
        if ident is not None:
            return {"$": "r", "id": ident}
        np = sys.modules.get("numpy")
        pd = sys.modules.get("pandas")
        if np is not None:
            if issubclass(t, np.generic) and t.__module__ == "numpy":
                encoded = self._numpy_scalar(x, np)
                if encoded is not None:
                    return encoded
            elif issubclass(t, np.ndarray):
                encoded = self._array(x, np, depth, path)
                if encoded is not None:
                    return encoded
        if pd is not None:
            if x is pd.NA or x is pd.NaT:
                return None
            encoded = self._pandas(x, pd, depth, path)
            if encoded is not None:
                return encoded
        if t is list or t is tuple or t is dict:
            return self._container(x, depth, path)
        if t is slice:
            return {"$": "sl", "v": [self._enc(p, depth + 1, path) for p in (x.start, x.stop, x.step)]}
        if issubclass(t, type) and issubclass(x, BaseException):
            return self._exception_class(x, depth, path)
        plain = _plain_subclass(x)
        if plain is not None:  # a subclass of a plain type, read through the base type's methods
            return self._enc(plain, depth, path)
        data = self.peer.by_value(x)
        if data is not None:
            return {"$": "pkl", "v": _b64(data)}
        return self.peer.export(x)

    def _exception_class(self, cls: type, depth: int, path: set[int]) -> Any:
        """An exception class: a handle (its identity), its names, and its direct bases the same way."""
        if depth > MAX_DEPTH:
            raise BoundaryError(f"a class hierarchy more than {MAX_DEPTH} levels deep")
        bases = [] if cls.__module__ == "builtins" else [  # a builtin's names say all of it
            self._exception_class(b, depth + 1, path) for b in cls.__bases__[:MAX_MRO]
            if issubclass(b, BaseException) and b is not BaseException]
        return self.peer.export(cls) | {"x": type_names(cls), "b": bases}

    def _container(self, x: Any, depth: int, path: set[int]) -> Any:
        if id(x) in path:
            raise BoundaryError(f"a {type(x).__name__} that contains itself cannot be sent")
        path.add(id(x))
        try:
            if type(x) is dict:
                return {"$": "d", "v": [[self._key(k, depth, path), self._enc(v, depth + 1, path)]
                                        for k, v in dict.items(x)]}
            items = [self._enc(v, depth + 1, path) for v in (list.__iter__(x) if type(x) is list
                                                           else tuple.__iter__(x))]
            return items if type(x) is list else {"$": "t", "v": items}
        finally:
            path.discard(id(x))

    def _key(self, k: Any, depth: int, path: set[int]) -> Any:
        encoded = self._enc(k, depth + 1, path)
        _check_key(encoded)
        return encoded

    def _numpy_scalar(self, x: Any, np: Any) -> Any:
        dtype = x.dtype
        if dtype.kind not in _NUMPY_KINDS or dtype.hasobject:
            return None
        return {"$": "np", "dtype": dtype.str, "v": _b64(np.asarray(x).tobytes())}

    def _array(self, x: Any, np: Any, depth: int, path: set[int]) -> Any:
        arr = np.asarray(x)
        if arr.dtype.fields is not None or arr.dtype.subdtype is not None:
            return None
        if arr.dtype.kind == "O":
            flat = arr.reshape(-1).tolist()
            if not all(_plain_scalar(v) or v is None for v in flat):
                return None  # an object array holding objects: it crosses as one object
            items = [self._enc(v, depth + 1, path) for v in flat]
            return {"$": "ndo", "shape": list(arr.shape), "v": items}
        if arr.dtype.kind not in _NUMPY_KINDS:
            return None
        return {"$": "nd", "dtype": arr.dtype.str, "shape": list(arr.shape),
                "v": _b64(np.ascontiguousarray(arr).tobytes())}

    def _values(self, values: Any, pd: Any, np: Any, depth: int, path: set[int]) -> Any:
        """The values of a Series or Index: a numpy array, or an extension/categorical spec."""
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cat = pd.Categorical(values)
            return {"cat": {"categories": self._index(cat.categories, pd, np, depth, path),
                            "codes": self._array(np.asarray(cat.codes), np, depth, path),
                            "ordered": bool(cat.ordered)}}
        name = str(dtype)
        if name in _EXTENSION_DTYPES:
            items = [None if v is pd.NA else v for v in pd.array(values, dtype=dtype).tolist()]
            return {"ext": name, "v": [self._enc(v, depth + 1, path) for v in items]}
        arr = np.asarray(values)
        encoded = self._array(arr, np, depth, path)
        if encoded is None:
            raise BoundaryError(f"pandas values of dtype {name} cannot be sent as plain data")
        return encoded

    def _index(self, index: Any, pd: Any, np: Any, depth: int, path: set[int]) -> Any:
        if isinstance(index, pd.MultiIndex):
            raise BoundaryError("a pandas MultiIndex cannot be sent")
        name = self._enc(index.name, depth + 1, path)
        _check_key(name)
        if type(index) is pd.RangeIndex:
            return {"$": "ix", "range": [int(index.start), int(index.stop), int(index.step)], "name": name}
        return {"$": "ix", "values": self._values(index, pd, np, depth, path), "name": name}

    def _pandas(self, x: Any, pd: Any, depth: int, path: set[int]) -> Any:
        np = sys.modules["numpy"]
        try:
            t = type(x)  # by type: an object's __class__ attribute can claim any class
            if issubclass(t, pd.DataFrame):
                columns = self._index(x.columns, pd, np, depth, path)
                data = [self._values(x.iloc[:, i], pd, np, depth, path) for i in range(x.shape[1])]
                return {"$": "df", "columns": columns, "index": self._index(x.index, pd, np, depth, path),
                        "data": data}
            if issubclass(t, pd.Series):
                name = self._enc(x.name, depth + 1, path)
                _check_key(name)
                return {"$": "s", "name": name, "index": self._index(x.index, pd, np, depth, path),
                        "values": self._values(x, pd, np, depth, path)}
            if issubclass(t, pd.Index):
                return self._index(x, pd, np, depth, path)
        except BoundaryError:
            return None  # sent as a handle instead
        return None


def _plain_subclass(x: Any) -> Any:
    """x as its plain base type when its class derives from one (OrderedDict, namedtuple, IntEnum...).

    By type(x), never isinstance: an object's __class__ attribute can claim any class.
    """
    t = type(x)
    if issubclass(t, int):
        return bool(x) if issubclass(t, bool) else int.__int__(x)
    if issubclass(t, float):
        return float.__float__(x)
    if issubclass(t, str):
        return str.__str__(x)
    if issubclass(t, bytes):
        return bytes(memoryview(x))
    if issubclass(t, dict):
        return dict(dict.items(x))
    if issubclass(t, list):
        return list(list.__iter__(x))
    if issubclass(t, tuple):
        return tuple(tuple.__iter__(x))
    return None


def _check_key(encoded: Any) -> None:
    if encoded is None or type(encoded) in (bool, int, str, float):
        return
    if type(encoded) is dict and encoded.get("$") in ("f", "b"):
        return
    if type(encoded) is dict and encoded.get("$") == "t":
        for item in encoded["v"]:
            _check_key(item)
        return
    raise BoundaryError("dict keys must be None, bool, int, float, str, bytes or tuples of those")


class Decoder:
    """Rebuilds values from JSON-ready data, building only the types in the module docstring."""

    def __init__(self, peer: Peer) -> None:
        self.peer = peer
        self._count = threading.local()

    def decode(self, x: Any) -> Any:
        self._count.handles = 0  # per thread: one Decoder serves every thread of a connection
        return self._dec(x, 0)

    def _dec(self, x: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise BoundaryError(f"a value nested more than {MAX_DEPTH} levels deep")
        t = type(x)
        if x is None or t is bool or t is int or t is str or t is float:
            return x
        if t is list:
            return [self._dec(v, depth + 1) for v in x]
        if t is not dict:
            raise BoundaryError(f"unexpected {t.__name__} in a frame")
        tag = x.get("$")
        method = getattr(self, f"_tag_{tag}", None) if type(tag) is str and tag.isalpha() else None
        if method is None:
            raise BoundaryError(f"unknown tag {str(tag)[:20]!r} in a frame")
        return method(x, depth)

    # -- builtins
    def _tag_f(self, x: dict, depth: int) -> float:
        value = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}.get(_field(x, "v", str))
        if value is None:
            raise BoundaryError("invalid special float")
        return value

    def _tag_t(self, x: dict, depth: int) -> tuple:
        return tuple(self._dec(v, depth + 1) for v in _field(x, "v", list))

    def _tag_d(self, x: dict, depth: int) -> dict:
        out: dict[Any, Any] = {}
        for pair in _field(x, "v", list):
            if type(pair) is not list or len(pair) != 2:
                raise BoundaryError("a dict item must be a [key, value] pair")
            _check_key(pair[0])
            key = self._dec(pair[0], depth + 1)
            out[key] = self._dec(pair[1], depth + 1)
        return out

    def _tag_b(self, x: dict, depth: int) -> bytes:
        return _unb64(_field(x, "v", str))

    def _tag_sl(self, x: dict, depth: int) -> slice:
        parts = _field(x, "v", list)
        if len(parts) != 3:
            raise BoundaryError("a slice has three parts")
        values = [self._dec(p, depth + 1) for p in parts]
        if any(v is not None and type(v) is not int for v in values):
            raise BoundaryError("slice bounds must be int or None")
        return slice(*values)

    # -- numpy
    def _dtype(self, text: Any) -> Any:
        np = _import_numpy()
        if type(text) is not str or len(text) > 32:
            raise BoundaryError("invalid dtype")
        try:
            dtype = np.dtype(text)
        except (TypeError, ValueError):
            raise BoundaryError(f"invalid dtype {text[:32]!r}") from None
        if (dtype.kind not in _NUMPY_KINDS or dtype.hasobject or dtype.fields is not None
                or dtype.subdtype is not None or dtype.str != text):
            raise BoundaryError(f"dtype {text[:32]!r} is not allowed")
        return dtype

    def _shape(self, shape: Any) -> tuple[int, ...]:
        if type(shape) is not list or len(shape) > 32 or any(type(n) is not int or n < 0 for n in shape):
            raise BoundaryError("invalid array shape")
        return tuple(shape)

    def _tag_nd(self, x: dict, depth: int) -> Any:
        np = _import_numpy()
        dtype, shape = self._dtype(x.get("dtype")), self._shape(x.get("shape"))
        data = _unb64(_field(x, "v", str))
        count = math.prod(shape)
        if count * dtype.itemsize != len(data):
            raise BoundaryError("array data does not match its shape and dtype")
        return np.frombuffer(data, dtype=dtype, count=count).reshape(shape).copy()

    def _tag_ndo(self, x: dict, depth: int) -> Any:
        np = _import_numpy()
        shape = self._shape(x.get("shape"))
        items = _field(x, "v", list)
        if len(items) != math.prod(shape):
            raise BoundaryError("object array items do not match its shape")
        out = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):
            value = self._dec(item, depth + 1)
            if not _plain_scalar(value):
                raise BoundaryError("object arrays may hold only plain scalars")
            out[i] = value
        return out.reshape(shape)

    def _tag_np(self, x: dict, depth: int) -> Any:
        np = _import_numpy()
        dtype = self._dtype(x.get("dtype"))
        data = _unb64(_field(x, "v", str))
        if len(data) != dtype.itemsize:
            raise BoundaryError("numpy scalar data does not match its dtype")
        return np.frombuffer(data, dtype=dtype, count=1)[0]

    # -- pandas
    def _values(self, spec: Any, depth: int) -> Any:
        pd, np = _import_pandas(), _import_numpy()
        if type(spec) is not dict:
            raise BoundaryError("invalid pandas values")
        if "cat" in spec:
            cat = _field(spec, "cat", dict)
            categories = self._tag_ix(_field(cat, "categories", dict), depth + 1)
            codes = self._dec(_field(cat, "codes", dict), depth + 1)
            if not isinstance(codes, np.ndarray) or codes.dtype.kind != "i" or codes.ndim != 1:
                raise BoundaryError("invalid categorical codes")
            if len(codes) and (codes.min() < -1 or codes.max() >= len(categories)):
                raise BoundaryError("categorical codes out of range")
            return pd.Categorical.from_codes(codes, categories=categories,
                                             ordered=_field(cat, "ordered", bool))
        if "ext" in spec:
            name = _field(spec, "ext", str)
            if name not in _EXTENSION_DTYPES:
                raise BoundaryError(f"pandas dtype {name[:20]!r} is not allowed")
            items = [self._dec(v, depth + 1) for v in _field(spec, "v", list)]
            if not all(_plain_scalar(v) for v in items):
                raise BoundaryError("extension arrays may hold only plain scalars")
            try:
                return pd.array(items, dtype=name)
            except (TypeError, ValueError):
                raise BoundaryError(f"values do not fit pandas dtype {name}") from None
        arr = self._dec(spec, depth + 1)
        if not isinstance(arr, np.ndarray) or arr.ndim != 1:
            raise BoundaryError("pandas values must be one-dimensional arrays")
        return arr

    def _name(self, x: dict, depth: int) -> Any:
        raw = x.get("name")
        _check_key(raw)
        return self._dec(raw, depth + 1)

    def _tag_ix(self, x: dict, depth: int) -> Any:
        pd = _import_pandas()
        name = self._name(x, depth)
        if "range" in x:
            bounds = _field(x, "range", list)
            if len(bounds) != 3 or any(type(b) is not int for b in bounds) or bounds[2] == 0:
                raise BoundaryError("invalid RangeIndex")
            return pd.RangeIndex(*bounds, name=name)
        values = self._values(x.get("values"), depth)
        try:
            return pd.Index(values, name=name, copy=False, tupleize_cols=False,
                            dtype=_object_or_none(values))
        except (TypeError, ValueError):
            raise BoundaryError("invalid pandas Index") from None

    def _tag_s(self, x: dict, depth: int) -> Any:
        pd = _import_pandas()
        index = self._tag_ix(_field(x, "index", dict), depth + 1)
        values = self._values(x.get("values"), depth)
        if len(values) != len(index):
            raise BoundaryError("a Series' values and index differ in length")
        return pd.Series(values, index=index, name=self._name(x, depth), copy=False,
                         dtype=_object_or_none(values))

    def _tag_df(self, x: dict, depth: int) -> Any:
        pd = _import_pandas()
        index = self._tag_ix(_field(x, "index", dict), depth + 1)
        columns = self._tag_ix(_field(x, "columns", dict), depth + 1)
        data = [self._values(v, depth) for v in _field(x, "data", list)]
        if len(data) != len(columns) or any(len(v) != len(index) for v in data):
            raise BoundaryError("a DataFrame's columns do not match its shape")
        frame = pd.DataFrame({i: pd.Series(v, index=index, copy=False, dtype=_object_or_none(v))
                              for i, v in enumerate(data)}, index=index)
        frame.columns = columns
        return frame

    # -- objects that stay where they are
    def _tag_h(self, x: dict, depth: int) -> Any:
        self._count.handles = getattr(self._count, "handles", 0) + 1
        if self._count.handles > MAX_HANDLES:
            raise BoundaryError(f"more than {MAX_HANDLES} objects in one value")
        ident = _field(x, "id", int)
        types = _types(x.get("t"))
        if "x" in x:
            return self.peer.class_value(self._class_ref(x, depth))
        return self.peer.proxy(ident, types)

    def _class_ref(self, x: Any, depth: int) -> ClassRef:
        if depth > MAX_DEPTH:
            raise BoundaryError(f"a class hierarchy more than {MAX_DEPTH} levels deep")
        if type(x) is not dict or x.get("$") != "h" or "x" not in x:
            raise BoundaryError("a base of an exception class must be an exception class")
        bases = x.get("b", [])
        if type(bases) is not list or len(bases) > MAX_MRO:
            raise BoundaryError("invalid exception class bases")
        return ClassRef(_field(x, "id", int), _types(x.get("x")),
                        [self._class_ref(b, depth + 1) for b in bases])

    def _tag_r(self, x: dict, depth: int) -> Any:
        return self.peer.local(_field(x, "id", int))

    def _tag_pkl(self, x: dict, depth: int) -> Any:
        return self.peer.unpickle(_unb64(_field(x, "v", str)))


def _types(raw: Any) -> list[list[str]]:
    if (type(raw) is not list or not raw or len(raw) > MAX_MRO
            or any(type(p) is not list or len(p) != 2 or any(type(s) is not str or len(s) > 200 for s in p)
                   for p in raw)):
        raise BoundaryError("invalid type names")
    return raw


def _field(x: dict, key: str, kind: type) -> Any:
    value = x.get(key)
    if type(value) is not kind:
        raise BoundaryError(f"field {key!r} should be a {kind.__name__}")
    return value


def _plain_scalar(v: Any) -> bool:
    np = sys.modules.get("numpy")
    return (v is None or type(v) in (bool, int, float, str, bytes)
            or (np is not None and isinstance(v, np.generic) and type(v).__module__ == "numpy"))


def _object_or_none(values: Any) -> Any:
    """object for numpy object arrays (so pandas does not infer another dtype), else None."""
    np = _import_numpy()
    return object if isinstance(values, np.ndarray) and values.dtype.kind == "O" else None


def _import_numpy() -> Any:
    import numpy

    return numpy


def _import_pandas() -> Any:
    import pandas

    return pandas
