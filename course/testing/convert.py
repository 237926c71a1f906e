"""Type-checking converters: learner results in, exact plain types out, kind messages on failure."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from course.testing.plain import a_type, to_plain

_SHOW_LIMIT = 80


def shorten(text: str, limit: int = _SHOW_LIMIT) -> str:
    """Cut text to about limit characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(x: object) -> str:
    """'a float (0.5)' for simple values, 'a Foo' for anything else (never calls learner code)."""
    # repr() of a plain builtin cannot run learner code; of anything else it could
    if type(x) in (int, float, bool, str) or x is None:
        return f"{a_type(x)} ({shorten(repr(x))})"
    if isinstance(x, np.generic) and type(x).__module__ == "numpy":
        return f"{a_type(x)} ({shorten(repr(x.item()))})"
    return a_type(x)


def _is_numpy(x: object, kind: type) -> bool:
    # exact numpy types only: a subclass could override __int__/__float__
    return isinstance(x, kind) and type(x).__module__ == "numpy"


def as_float(x: Any, what: str, *, allow_nan: bool = False) -> float:
    """x as a float; accepts int, float and numpy numbers, never bool or str."""
    if isinstance(x, bool | np.bool_):
        raise AssertionError(f"{what} should be a number, but it is {describe(x)}")
    if isinstance(x, float):
        value = float.__float__(x)
    elif isinstance(x, int):
        value = float(int.__int__(x))
    elif _is_numpy(x, np.integer) or _is_numpy(x, np.floating):
        value = float(x)
    else:
        raise AssertionError(f"{what} should be a number (int or float), but it is {describe(x)}")
    if math.isnan(value) and not allow_nan:
        raise AssertionError(f"{what} is NaN (not a number); it should be a real number")
    return value


def as_int(x: Any, what: str) -> int:
    """x as an int; accepts int and numpy integers, never bool or float."""
    if isinstance(x, int) and not isinstance(x, bool):
        return int.__int__(x)
    if _is_numpy(x, np.integer):
        return int(x)
    raise AssertionError(f"{what} should be a whole number (int), but it is {describe(x)}")


def as_bool(x: Any, what: str) -> bool:
    """x as a bool; accepts only bool and numpy.bool_ (not 0/1, not strings)."""
    if type(x) is bool:
        return x
    if type(x) is np.bool_:
        return bool(x)
    raise AssertionError(f"{what} should be True or False, but it is {describe(x)}")


def as_str(x: Any, what: str) -> str:
    """x as an exact str."""
    if isinstance(x, str):
        return str.__str__(x)
    raise AssertionError(f"{what} should be a string, but it is {describe(x)}")


def _pandas_to_numpy(x: Any, numeric: bool) -> np.ndarray:
    arr = x.to_numpy(copy=True)
    if numeric and arr.dtype == object:
        # nullable dtypes (Int64, boolean) come out as object arrays holding pd.NA
        pd = sys.modules["pandas"]
        dtypes = x.dtypes if hasattr(x, "columns") else [x.dtype]
        if all(pd.api.types.is_numeric_dtype(d) or pd.api.types.is_bool_dtype(d) for d in dtypes):
            arr = x.to_numpy(dtype="float64", na_value=np.nan)
    return arr


def as_array(x: Any, what: str, *, ndim: int | None = None, numeric: bool = True) -> np.ndarray:
    """A new plain numpy array from a list, tuple, ndarray, Series or DataFrame."""
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(x, pd.DataFrame | pd.Series):
        arr = _pandas_to_numpy(x, numeric)
    elif isinstance(x, np.ndarray):
        arr = np.array(x, subok=False, copy=True)
    elif isinstance(x, list | tuple):
        try:
            plain = to_plain(x)  # drops learner objects before numpy sees them
        except TypeError as exc:
            raise AssertionError(f"{what} should hold plain values, but {exc}") from None
        try:
            arr = np.array(plain)
        except ValueError:
            raise AssertionError(
                f"{what} has rows of different lengths, so it is not a proper array"
            ) from None
    else:
        raise AssertionError(
            f"{what} should be array-like (a list, tuple, numpy array, pandas Series or "
            f"DataFrame), but it is {describe(x)}"
        )
    if numeric and arr.dtype.kind not in "biuf":
        raise AssertionError(f"{what} should hold numbers, but it holds {arr.dtype} values")
    if not numeric and arr.dtype == object:
        arr = _plain_object_array(arr, what)
    if ndim is not None and arr.ndim != ndim:
        raise AssertionError(
            f"{what} should be {ndim}-dimensional, but it has {arr.ndim} dimension(s) "
            f"(shape {arr.shape})"
        )
    return arr


def _plain_object_array(arr: np.ndarray, what: str) -> np.ndarray:
    out = np.empty(arr.shape, dtype=object)
    for index, value in np.ndenumerate(arr):
        try:
            out[index] = to_plain(value)
        except TypeError as exc:
            raise AssertionError(f"{what} should hold plain values, but {exc}") from None
    return out


def as_frame(x: Any, what: str) -> Any:
    """A copy of x, which must be a pandas DataFrame, as an exact pd.DataFrame."""
    pd = sys.modules.get("pandas")
    if pd is None or not isinstance(x, pd.DataFrame):
        raise AssertionError(f"{what} should be a pandas DataFrame, but it is {describe(x)}")
    return pd.DataFrame(x).copy(deep=True)  # a subclass's methods do not come along


def as_dict(x: Any, what: str, keys: Iterable[str] | None = None) -> dict[Any, Any]:
    """A new exact dict from x (a dict); with keys, every one of them must be present."""
    if not isinstance(x, dict):
        raise AssertionError(f"{what} should be a dict, but it is {describe(x)}")
    out = dict(dict.items(x))  # dict.items ignores overrides in a dict subclass
    if keys is not None:
        missing = [k for k in keys if k not in out]
        if missing:
            have = ", ".join(repr(k) for k in list(out)[:10]) or "no keys at all"
            raise AssertionError(
                f"{what} is missing the key(s) {', '.join(map(repr, missing))}; it has {have}"
            )
    return out


def as_tuple(
    x: Any, what: str, length: int | None = None, *, names: Sequence[str] | None = None
) -> tuple[Any, ...]:
    """A tuple from x (a tuple or list); length/names give how many values must come back."""
    if names is not None and length is None:
        length = len(names)
    expected = f" of {length} values" if length is not None else ""
    if not isinstance(x, tuple | list):
        raise AssertionError(f"{what} should be a tuple{expected}, but it is {describe(x)}")
    out = tuple(tuple.__iter__(x) if isinstance(x, tuple) else list.__iter__(x))
    if length is not None and len(out) != length:
        verb = ("returned", "return") if what.rstrip().endswith(")") else ("holds", "hold")
        listing = f": {', '.join(names)}" if names else ""
        raise AssertionError(
            f"{what} {verb[0]} {len(out)} value{'s' * (len(out) != 1)}; "
            f"it should {verb[1]} {length}{listing}"
        )
    return out
