"""Errors across the boundary: described as plain data by one side, rebuilt as exceptions by the other.

An error crosses as `{"t": [[module, qualname], ...], "msg": str, "args": plain args, "tb": text}`
(the traceback only from the learner side: the test's source never crosses). The receiving side
rebuilds it as the builtin exception of that name, as a class of a library it had already
imported, or as a class made per name (deriving from the first base it knows), whose `str()` is
the sender's message. Names of BaseException-only classes (KeyboardInterrupt, SystemExit,
GeneratorExit) and of the iteration protocol (StopIteration) never become those classes.
"""

from __future__ import annotations

import builtins
import sys
import traceback
from collections.abc import Callable
from typing import Any

from course.boundary.codec import BoundaryError, _types, type_names

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






class ErrorMapper:
    """One side's view of the other's errors (its made classes are cached per chain of names)."""

    def __init__(self, encoder: Any, decoder: Any, *, with_traceback: bool) -> None:
        self.encoder, self.decoder = encoder, decoder
        self.with_traceback = with_traceback
        self._classes: dict[tuple[tuple[str, str], ...], type] = {}

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
        if self.with_traceback:
            tb = safe_text(lambda: "".join(traceback.format_exception(exc)), "")
            err["tb"] = tb[-MAX_TRACEBACK:]
        return err

    def exception_class(self, types: list[list[str]]) -> type:
        return self._class_for([(m, q) for m, q in types])

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
            parent = self._class_for(chain[1:]) if len(chain) > 1 else Exception
            name = qualname.rsplit(".", 1)[-1] or "Error"
            try:
                cls = type(name, (parent,), {"__module__": module, "__qualname__": qualname})
            except TypeError:  # a base that cannot be subclassed
                cls = type(name, (Exception,), {"__module__": module, "__qualname__": qualname})
        if len(self._classes) < _MAX_CLASSES:
            self._classes[key] = cls
        return cls

    def rebuild(self, err: dict[str, Any]) -> BaseException:
        """The exception to raise here for an error the other side described."""
        message = err.get("msg") if type(err.get("msg")) is str else ""
        message = message[:MAX_MESSAGE]
        try:
            cls = self.exception_class(_checked_types(err.get("t")))
        except BoundaryError:
            cls = Exception
        exc = _instantiate(cls, self._args(err), message)
        tb = err.get("tb")
        if type(tb) is str and tb.strip():
            exc.add_note("(raised in the learner's notebook)\n" + tb[-MAX_TRACEBACK:].rstrip())
        return exc

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
