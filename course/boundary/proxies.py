"""Proxies: how each side holds an object that lives on the other side.

`LearnerObject` (in the grader) is strict: attribute access, calls, item access and `with` go to
the learner's kernel, but nothing a verdict could rest on is asked of learner code. Its truth
value, length, iteration, membership, ordering and numeric conversions raise TypeError; `==` and
`hash` are identity (the same learner object always arrives as the same proxy); `__exit__` never
swallows the grader's exception; `repr` is made here. Its class is named after the type the
learner side reports (for messages only; `isinstance` with a real class is always False).

`TestObject` (in the learner kernel) is the test's own object lent to learner code (a fake
clock, a model written by the test, `alerts.append`). It is call-only: learner code calls it and
its methods (and the read-only protocols: len, iteration, items, `in`, `with`, repr); it cannot
set, delete or read one of its attributes, so a test's counters (`model.peak`, `calls`) are
state of the grader that no request can name. The grader side enforces this
(`GraderSide.handlers`, `get_attribute`); this class only says it kindly and early.
"""

from __future__ import annotations

from typing import Any

_REMOTE_DUNDERS = {"__name__", "__qualname__", "__module__", "__doc__"}
_LENT_ONLY = ("this object belongs to the test that called your code: you can call it and its "
              "methods, but not change it or read its attributes")
_MAX_CLASSES = 2000
_classes: dict[tuple[str, str], type] = {}


def _no(what: str) -> TypeError:
    return TypeError(
        f"{what} of an object from the learner's notebook is not computed in grading: turn it into "
        "plain data first (course.testing's as_float, as_array, as_dict...)")


class LearnerObject:
    """An object of the learner's kernel, seen from the grader."""

    __slots__ = ("_conn", "_id", "_types", "_count", "__weakref__")
    _boundary_proxy = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__") and name not in _REMOTE_DUNDERS:
            raise AttributeError(name)
        return _conn(self).request("getattr", obj=self, name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in LearnerObject.__slots__:
            object.__setattr__(self, name, value)
        else:
            _conn(self).request("setattr", obj=self, name=name, value=value)

    def __delattr__(self, name: str) -> None:
        _conn(self).request("delattr", obj=self, name=name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _conn(self).request("call", obj=self, args=list(args), kw=kwargs)

    def __getitem__(self, key: Any) -> Any:
        return _conn(self).request("getitem", obj=self, key=key)

    def __setitem__(self, key: Any, value: Any) -> None:
        _conn(self).request("setitem", obj=self, key=key, value=value)

    def __delitem__(self, key: Any) -> None:
        _conn(self).request("delitem", obj=self, key=key)

    def __enter__(self) -> Any:
        return _conn(self).request("method", obj=self, name="__enter__", args=[], kw={})

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        conn = _conn(self)
        try:
            args = [exc_type, exc, None]
            conn.encoder.encode(args)
        except Exception:  # noqa: BLE001 -- an exception that cannot cross is reported as None
            args = [None, None, None] if exc_type is None else [RuntimeError, RuntimeError("a test failed"), None]
        conn.request("method", obj=self, name="__exit__", args=args, kw={})
        return False  # the learner's __exit__ never decides whether the test's error counts

    def __bool__(self) -> bool:
        raise _no("the truth value")

    def __len__(self) -> int:
        raise _no("the length")

    def __iter__(self) -> Any:
        raise _no("iteration")

    def __contains__(self, item: Any) -> bool:
        raise _no("membership (in)")

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def __hash__(self) -> int:
        return id(self)

    def __lt__(self, other: object) -> bool:
        raise _no("ordering (<)")

    __le__ = __gt__ = __ge__ = __lt__

    def __float__(self) -> float:
        raise _no("float()")

    def __int__(self) -> int:
        raise _no("int()")

    def __index__(self) -> int:
        raise _no("use as an index")

    def __complex__(self) -> complex:
        raise _no("complex()")

    def __repr__(self) -> str:
        module, qualname = object.__getattribute__(self, "_types")[0]
        return f"<{qualname} object from the learner's notebook>"

    __str__ = __repr__

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("an object from the learner's notebook cannot be pickled or copied in the "
                        "grader; ask the learner side (course.testing.pickled_bytes)")

    def __dir__(self) -> list[str]:
        return []


class TestObject:
    """An object of the grader (the test's own), seen from learner code."""

    __slots__ = ("_conn", "_id", "_types", "_count", "__weakref__")
    _boundary_proxy = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _conn(self).request("getattr", obj=self, name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(_LENT_ONLY)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(_LENT_ONLY)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _conn(self).request("call", obj=self, args=list(args), kw=kwargs)

    def _dunder(self, name: str, *args: Any) -> Any:
        return _conn(self).request("method", obj=self, name=name, args=list(args), kw={})

    def __getitem__(self, key: Any) -> Any:
        return self._dunder("__getitem__", key)

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError(_LENT_ONLY)

    def __len__(self) -> int:
        return self._dunder("__len__")

    def __bool__(self) -> bool:
        return self._dunder("__bool__")

    def __iter__(self) -> Any:
        return iter(self._dunder("__iter__"))

    def __contains__(self, item: Any) -> bool:
        return self._dunder("__contains__", item)

    def __enter__(self) -> Any:
        return self._dunder("__enter__")

    def __exit__(self, *exc: Any) -> Any:
        return self._dunder("__exit__", None, None, None)

    def __repr__(self) -> str:
        return self._dunder("__repr__")

    def __str__(self) -> str:
        return self._dunder("__str__")

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("this object belongs to the test that called your code: it can be used "
                        "but not pickled or copied")


def _conn(proxy: Any) -> Any:
    return object.__getattribute__(proxy, "_conn")


def proxy_class(base: type, types: list[list[str]]) -> type:
    """A subclass of base named after the remote type (cached), for readable messages."""
    module, qualname = types[0]
    key = (base.__name__, module, qualname)
    cls = _classes.get(key)
    if cls is None:
        if len(_classes) >= _MAX_CLASSES:
            return base
        name = qualname.rsplit(".", 1)[-1] or "object"
        cls = type(name, (base,), {"__slots__": (), "__module__": module, "__qualname__": qualname})
        _classes[key] = cls
    return cls


def make(base: type, conn: Any, ident: int, types: list[list[str]], count: list[int]) -> Any:
    obj = object.__new__(proxy_class(base, types))
    object.__setattr__(obj, "_conn", conn)
    object.__setattr__(obj, "_id", ident)
    object.__setattr__(obj, "_types", types)
    object.__setattr__(obj, "_count", count)
    return obj


def is_proxy(obj: Any) -> bool:
    return getattr(type(obj), "_boundary_proxy", False) is True


def claimed_types(obj: Any) -> list[tuple[str, str]]:
    """What the other side says obj's type and bases are (it may lie)."""
    return [tuple(t) for t in object.__getattribute__(obj, "_types")]
