"""Turn learner results into plain Python data (no learner classes survive) and back from JSON."""

from __future__ import annotations

import math
import sys
from typing import Any

_SCALARS = (str, int, float, bool, type(None))


_PREFIXED = ("numpy", "pandas")  # "a pandas.Series" tells a learner more than "a Series"


def type_name(x: object) -> str:
    """A short, readable name for the type of x: "float", "numpy.ndarray", "MyModel"."""
    cls = type(x)
    name = str(getattr(cls, "__qualname__", None) or cls.__name__)
    package = str(getattr(cls, "__module__", "") or "").split(".")[0]
    return f"{package}.{name}" if package in _PREFIXED else name


def a_type(x: object) -> str:
    """type_name(x) with its article: "a float", "an AlwaysEqual"."""
    name = type_name(x)
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _scalar(x: Any) -> Any:
    """Copy a str/int/float/bool/None into its exact builtin type.

    Calling the builtin's own slot (int.__int__, not int(x)) ignores overrides in a subclass, so a
    subclass with a rigged __eq__ or __int__ cannot survive the conversion.
    """
    if x is None or type(x) is bool:
        return x
    if isinstance(x, int):
        return int.__int__(x)
    if isinstance(x, float):
        return float.__float__(x)
    return str.__str__(x)


def _numpy_scalar(x: Any, np: Any) -> Any:
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    return _NOT_CONVERTED


_NOT_CONVERTED = object()


def to_plain(x: Any, _path: frozenset[int] = frozenset()) -> Any:
    """Convert numpy/pandas/containers to plain Python; raise TypeError for anything else.

    numpy scalars become int/float/bool, arrays nested lists, a Series a list, a DataFrame
    {"columns": [...], "data": [[...], ...]}, tuples lists; pandas' NA and NaT become None.
    """
    if isinstance(x, _SCALARS):
        return _scalar(x)
    # Only look for numpy/pandas objects when those libraries are loaded: if pandas was never
    # imported, x cannot be a DataFrame, and the fresh child process stays fast to start.
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if np is not None:
        if isinstance(x, np.generic):
            converted = _numpy_scalar(x, np)
            if converted is not _NOT_CONVERTED:
                return converted
            raise TypeError(f"could not turn {a_type(x)} into plain data")
        if isinstance(x, np.ndarray):
            return to_plain(np.asarray(x).tolist(), _path)
    if pd is not None:
        if x is pd.NA or x is pd.NaT:
            return None
        if isinstance(x, pd.DataFrame):
            columns = [x.iloc[:, i].tolist() for i in range(x.shape[1])]
            # Series.tolist() yields Python scalars; zip turns the columns into rows
            rows = [list(row) for row in zip(*columns, strict=True)]
            if not columns:  # zip() of nothing would lose the row count
                rows = [[] for _ in range(len(x))]
            return {"columns": to_plain(list(x.columns), _path), "data": to_plain(rows, _path)}
        if isinstance(x, pd.Series | pd.Index):
            return to_plain(x.tolist(), _path)
    if isinstance(x, list | tuple | dict):
        if id(x) in _path:
            raise TypeError(f"could not turn {a_type(x)} that contains itself into plain data")
        inner = _path | {id(x)}
        if isinstance(x, dict):
            return _plain_dict(x, inner)
        items = list.__iter__(x) if isinstance(x, list) else tuple.__iter__(x)
        return [to_plain(item, inner) for item in items]
    raise TypeError(f"could not turn {a_type(x)} into plain data")


def _plain_dict(x: dict[Any, Any], path: frozenset[int]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key, value in dict.items(x):  # dict.items ignores a subclass's items()/__iter__
        plain_key = to_plain(key, path)
        if not isinstance(plain_key, _SCALARS):
            raise TypeError(f"could not turn a dict key of type {type_name(key)} into plain data")
        out[plain_key] = to_plain(value, path)
    return out


def encode_plain(x: Any) -> Any:
    """Tag plain data for JSON so that dict keys keep their types (JSON keys are only strings)."""
    if isinstance(x, dict):
        return ["d", [[encode_plain(k), encode_plain(v)] for k, v in x.items()]]
    if isinstance(x, list):
        return ["l", [encode_plain(v) for v in x]]
    return x


def decode_plain(x: Any) -> Any:
    """Inverse of encode_plain; builds only dict, list, str, int, float, bool and None."""
    if isinstance(x, list):
        tag, items = x
        if tag == "d":
            return {decode_plain(k): decode_plain(v) for k, v in items}
        if tag == "l":
            return [decode_plain(v) for v in items]
        raise ValueError(f"unknown tag {tag!r} in encoded plain data")
    if isinstance(x, _SCALARS):
        return x
    raise ValueError(f"unexpected {type(x).__name__} in encoded plain data")


def is_nan(x: Any) -> bool:
    """True only for a float NaN."""
    return type(x) is float and math.isnan(x)
