"""Errors across the boundary: described as plain data by one side, rebuilt as exceptions by the other.

An error crosses as `{"t": [[module, qualname], ...], "msg": str, "args": plain args, "tb": text,
"c": its class}` (the traceback and the class only from the learner side: the test's source
never crosses).

In the grader, class identity is the learner's handle, never a name (`by_handle`):

- an exception class that arrives as a value (a learner global such as `QuotaError`, a returned
  class) is always a class made in the grader for that handle, deriving from the classes made for
  its bases (or, for a class the learner side names as a builtin or library class, from that
  class). So `QuotaError = AssertionError` in a notebook binds the test's `QuotaError` to a new
  subclass of AssertionError: `except QuotaError` never catches the test's own AssertionError;
- a raised error whose type is a builtin error is that builtin (`except KeyError` works); any
  other raised error is an instance of the class made for its class's handle, the same class a
  global of that name is bound to (`except ResourceError` works);
- an error sent without its class is rebuilt by name: a builtin, a class of a library the grader
  had already imported, or a class made per name. Raising one of those is something learner code
  can do for real anyway.

Names of BaseException-only classes (KeyboardInterrupt, SystemExit, GeneratorExit) and of the
iteration protocol (StopIteration) never become those classes, nor their bases. The learner side
trusts the grader and rebuilds the grader's errors and classes by name.
"""

from __future__ import annotations

import builtins
import sys
import traceback
from collections.abc import Callable
from typing import Any

from course.boundary.codec import BoundaryError, ClassRef, _types, type_names

MAX_MESSAGE = 10_000
MAX_TRACEBACK = 3_000
_MAX_CLASSES = 5_000

#: Exceptions an error from the other side may become here (not BaseException-only ones, not the
#: iteration protocol's, whose meaning would change in the receiving code).
_BUILTIN_ERRORS = {
    name: obj for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, Exception)
    and not issubclass(obj, StopIteration | StopAsyncIteration)
}


def safe_text(fn: Callable[[], Any], fallback: str) -> str:
    try:
        text = fn()
        return text if type(text) is str else fallback
    except Exception:  # noqa: BLE001 -- a learner __str__ may raise anything
        return fallback

def _known_exception(module: str, qualname: str) -> type | None:
    """A grader class for (module, qualname): a builtin error, or one of a library already imported."""
    if module == "builtins":
        return _BUILTIN_ERRORS.get(qualname)
    if module in ("__main__", "") or module not in sys.modules or "<" in qualname:
        return None
    obj: Any = sys.modules[module]
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    if isinstance(obj, type) and issubclass(obj, Exception) and not issubclass(
            obj, StopIteration | StopAsyncIteration):
        return obj
    return None


def _instantiate(cls: type, args: tuple[Any, ...] | None, message: str) -> BaseException:
    """An instance of cls whose str() is the learner side's message."""
    for attempt in ([args] if args is not None else []) + [(message,)]:
        try:
            exc = cls(*attempt)
            if str(exc) == message:
                return exc
        except Exception:  # noqa: BLE001 -- a constructor with other arguments
            continue
    try:
        shown = type(cls.__name__, (cls,), {"__str__": lambda self: message,
                                             "__module__": cls.__module__,
                                             "__qualname__": cls.__qualname__})
        return shown.__new__(shown)
    except TypeError:
        return Exception(message)


def _plain_arg(a: Any) -> bool:
    return a is None or type(a) in (bool, int, float, str, bytes)


def _checked_types(raw: Any) -> list[list[str]]:
    return _types(raw)






def _made(qualname: str, module: str, parents: tuple[type, ...]) -> type:
    """A new exception class named like the sender's, deriving from parents (or what fits)."""
    name = qualname.rsplit(".", 1)[-1] or "Error"
    namespace = {"__module__": module, "__qualname__": qualname}
    for bases in (parents, parents[:1], (Exception,)):
        try:
            return type(name, bases, namespace)
        except TypeError:  # bases that cannot be combined or subclassed
            continue
    return type(name, (Exception,), namespace)


class ErrorMapper:
    """One side's view of the other's errors (made classes cached per handle, or per chain of names)."""

    def __init__(self, encoder: Any, decoder: Any, *, with_traceback: bool, by_handle: bool) -> None:
        self.encoder, self.decoder = encoder, decoder
        self.with_traceback = with_traceback
        #: the grader: classes by the sender's handle (and errors sent with their class)
        self.by_handle = by_handle
        self._classes: dict[tuple[tuple[str, str], ...], type] = {}
        self._by_handle: dict[int, type] = {}

    def describe(self, exc: BaseException) -> dict[str, Any]:
        """exc as plain data for the other side."""
        err: dict[str, Any] = {
            "t": type_names(type(exc)),
            "msg": safe_text(lambda: str(exc), "(the error message could not be shown)")[:MAX_MESSAGE],
        }
        try:
            args = self.encoder.encode(tuple(exc.args))
            if len(str(args)) < MAX_MESSAGE:
                err["args"] = args
        except Exception:  # noqa: BLE001 -- arguments that cannot cross are left out
            pass
        if self.with_traceback:  # the learner side: its traceback, and its class by handle
            tb = safe_text(lambda: "".join(traceback.format_exception(exc)), "")
            err["tb"] = tb[-MAX_TRACEBACK:]
            if type(exc).__module__ != "builtins":
                try:
                    err["c"] = self.encoder.encode(type(exc))
                except Exception:  # noqa: BLE001 -- rebuilt by name instead
                    pass
        return err

    def exception_class(self, types: list[list[str]]) -> type:
        """The class for an error described by names only."""
        return self._class_for([(m, q) for m, q in types])

    def class_value(self, ref: ClassRef) -> type:
        """The class for an exception class the other side sent as a value."""
        if not self.by_handle:
            return self.exception_class(ref.types)
        cached = self._by_handle.get(ref.ident)
        if cached is not None:
            return cached
        module, qualname = ref.types[0]
        known = _known_exception(module, qualname)
        if known is not None:
            parents: tuple[type, ...] = (known,)
        else:
            parents = tuple(self._base(b) for b in ref.bases)
            parents = tuple(dict.fromkeys(parents)) or (self._class_for(
                [(m, q) for m, q in ref.types[1:]]) if len(ref.types) > 1 else Exception,)
        cls = _made(qualname, module, parents)
        if len(self._by_handle) < _MAX_CLASSES:
            self._by_handle[ref.ident] = cls
        return cls

    def _base(self, ref: ClassRef) -> type:
        """A parent for a made class: a builtin or library class as itself, else its handle's class."""
        known = _known_exception(*ref.types[0])
        return known if known is not None else self.class_value(ref)

    def _class_for(self, chain: list[tuple[str, str]]) -> type:
        key = tuple(chain)
        cached = self._classes.get(key)
        if cached is not None:
            return cached
        module, qualname = chain[0]
        known = _known_exception(module, qualname)
        if known is not None:
            cls = known
        else:
            cls = _made(qualname, module, (self._class_for(chain[1:]) if len(chain) > 1 else Exception,))
        if len(self._classes) < _MAX_CLASSES:
            self._classes[key] = cls
        return cls

    def rebuild(self, err: dict[str, Any]) -> BaseException:
        """The exception to raise here for an error the other side described."""
        message = err.get("msg") if type(err.get("msg")) is str else ""
        message = message[:MAX_MESSAGE]
        try:
            cls = self._raised_class(_checked_types(err.get("t")), err.get("c"))
        except BoundaryError:
            cls = Exception
        exc = _instantiate(cls, self._args(err), message)
        tb = err.get("tb")
        if type(tb) is str and tb.strip():
            exc.add_note("(raised in the learner's notebook)\n" + tb[-MAX_TRACEBACK:].rstrip())
        return exc

    def _raised_class(self, types: list[list[str]], sent_class: Any) -> type:
        module, qualname = types[0]
        if not self.by_handle or sent_class is None or (
                module == "builtins" and qualname in _BUILTIN_ERRORS):
            return self.exception_class(types)
        cls = self.decoder.decode(sent_class)
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            raise BoundaryError("an error's class is not an exception class")
        return cls

    def _args(self, err: dict[str, Any]) -> tuple[Any, ...] | None:
        if "args" not in err:
            return None
        try:
            args = self.decoder.decode(err["args"])
        except BoundaryError:
            return None
        if type(args) is not tuple or not all(_plain_arg(a) for a in args):
            return None
        return args
