"""Assertions for hidden tests: strict about types, specific and kind in what they tell learners."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course.testing.convert import as_array, as_float, describe, shorten
from course.testing.plain import is_nan, to_plain

_MESSAGE_LIMIT = 200


def check(condition: Any, message: str) -> None:
    """Raise AssertionError(message) unless condition is a real True (bool or numpy.bool_)."""
    if type(condition) is not bool and type(condition) is not np.bool_:
        # an object with a rigged __eq__/__bool__ must not count as a pass
        raise AssertionError(
            f"{message} (the check got {describe(condition)} instead of True or False, "
            "so it cannot count as passed)"
        )
    if not bool(condition):
        raise AssertionError(message)


def _fmt(x: float) -> str:
    return f"{x:.10g}"


def _is_scalar(x: Any) -> bool:
    return isinstance(x, int | float | np.number) and not isinstance(x, bool | np.bool_)


def assert_close(
    actual: Any, expected: Any, what: str, *, rtol: float = 1e-7, atol: float = 1e-9
) -> None:
    """actual must be numerically close to expected (a number or an array of numbers)."""
    if _is_scalar(expected):
        exp = as_float(expected, "the expected value", allow_nan=True)
        got = as_float(actual, what, allow_nan=math.isnan(exp))
        if math.isnan(exp) and math.isnan(got):
            return
        if got == exp or abs(got - exp) <= atol + rtol * abs(exp):
            return
        raise AssertionError(f"{what} is {_fmt(got)}, but it should be {_fmt(exp)}")
    exp_arr = as_array(expected, "the expected value").astype(float)
    got_arr = as_array(actual, what).astype(float)
    if got_arr.shape != exp_arr.shape:
        raise AssertionError(
            f"{what} has shape {got_arr.shape}, but it should have shape {exp_arr.shape}"
        )
    close = np.isclose(got_arr, exp_arr, rtol=rtol, atol=atol, equal_nan=True)
    if bool(close.all()):
        return
    wrong = ~close
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    diff = np.abs(got_arr - exp_arr)[wrong]
    largest = float(np.nanmax(diff)) if not np.isnan(diff).all() else math.nan
    where = first[0] if len(first) == 1 else first
    raise AssertionError(
        f"{what} differs from the expected values at {int(wrong.sum())} of {close.size} "
        f"positions; the first is at index {where}: got {_fmt(got_arr[first])}, expected "
        f"{_fmt(exp_arr[first])} (largest absolute difference {_fmt(largest)})"
    )


def _same(a: Any, b: Any) -> bool:
    # both sides are plain data here; bool only equals bool, NaN equals NaN
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if is_nan(a) and is_nan(b):
        return True
    return type(a) is not dict and type(a) is not list and a == b


def _first_difference(a: Any, b: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """Where plain values a and b first differ: (path such as "[2]['x']", a part, b part)."""
    if type(a) is dict and type(b) is dict:
        if a.keys() != b.keys():
            return path, a, b
        for key in b:
            found = _first_difference(a[key], b[key], f"{path}[{key!r}]")
            if found:
                return found
        return None
    if type(a) is list and type(b) is list:
        if len(a) != len(b):
            return path, a, b
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if _same(a, b) else (path, a, b)


def assert_equal(actual: Any, expected: Any, what: str) -> None:
    """to_plain(actual) must equal to_plain(expected); NaN equals NaN, True does not equal 1."""
    try:
        got = to_plain(actual)
    except TypeError as exc:
        raise AssertionError(
            f"{what} should be plain data (numbers, strings, lists, dicts, numpy arrays or "
            f"pandas objects), but {exc}"
        ) from None
    exp = to_plain(expected)
    found = _first_difference(got, exp)
    if found is None:
        return
    path, part_got, part_exp = found
    message = (
        f"{what} is {shorten(repr(got), _MESSAGE_LIMIT)}, "
        f"but it should be {shorten(repr(exp), _MESSAGE_LIMIT)}"
    )
    if type(part_got) is dict and type(part_exp) is dict:
        missing = [repr(k) for k in part_exp if k not in part_got]
        extra = [repr(k) for k in part_got if k not in part_exp]
        where = f" at {path}" if path else ""
        if missing:
            message += f"; the key(s) {', '.join(missing)} are missing{where}"
        if extra:
            message += f"; the key(s) {', '.join(extra)} are not expected{where}"
    elif path:
        message += (
            f"; the first difference is at {_frame_path(path, exp)}: "
            f"got {shorten(repr(part_got))}, expected {shorten(repr(part_exp))}"
        )
    raise AssertionError(message)


def _frame_path(path: str, exp: Any) -> str:
    """Say "row 3, column 'age'" instead of "['data'][3][1]" when comparing DataFrames."""
    is_frame = type(exp) is dict and exp.keys() == {"columns", "data"}
    parts = path.removeprefix("['data'][").rstrip("]").split("][")
    if not is_frame or not path.startswith("['data'][") or len(parts) != 2:
        return path
    row, col = int(parts[0]), int(parts[1])
    columns = exp["columns"]
    name = repr(columns[col]) if col < len(columns) else str(col)
    return f"row {row}, column {name}"
