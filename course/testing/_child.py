"""Child side of run_in_fresh_process: load the call, run it, write plain JSON, exit."""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import sys
import types
from itertools import islice
from pathlib import Path
from typing import Any

from course.testing.plain import encode_plain, to_plain

PAYLOAD = "payload.pkl"
RESULT = "result.json"
_MAX_ITEMS = 1000
_MAX_VISITS = 100_000
#: Modules made here to hold code that came by value from a namespace nobody can import.
_STAND_INS: dict[str, types.ModuleType] = {}


def _failure(stage: str, exc: BaseException) -> dict[str, Any]:
    try:
        message = str(exc)
    except Exception:  # a learner exception whose __str__ itself fails
        message = "(the error message could not be shown)"
    return {"ok": False, "stage": stage, "type": type(exc).__name__, "message": message}


def _home(module_name: object) -> types.ModuleType | None:
    """The module a shipped object should be findable in here, or None for a real module.

    Code from the notebook (`__main__`) or from a namespace nobody can import arrives by value;
    a real module (numpy, the course package, a learner's helper file) is imported by pickle
    itself and is never touched.
    """
    if not isinstance(module_name, str) or not module_name:
        return None
    if module_name == "__main__":
        return sys.modules["__main__"]
    if module_name in _STAND_INS:
        return _STAND_INS[module_name]
    if module_name in sys.modules:
        return None
    try:
        if importlib.util.find_spec(module_name) is not None:
            return None
    except (ImportError, ValueError):
        pass
    module = types.ModuleType(module_name)
    sys.modules[module_name] = _STAND_INS[module_name] = module
    return module


def _register_shipped(roots: list[Any]) -> None:
    """Make the classes and functions that came by value findable by name, as in the notebook.

    In a notebook, `pickle.dump(obj)` of an instance of a class defined in a cell stores a
    reference (`__main__.ClassName`) and works. Here cloudpickle rebuilt those classes, but no
    module held them, so the same code raised PicklingError. Registering every top-level class
    and function reached from the call (globals, closures, class bodies, arguments) in its
    module makes pickling by reference, and unpickling in a later fresh process, behave as in
    the learner's notebook.
    """
    seen: set[int] = set()
    # (module, name) pairs set from a function's globals: the notebook's current binding of a
    # name wins over an older class of the same name that a cell replaced (for example
    # `class Platform(Platform): ...`, which reopens a class to change some methods)
    bound: set[tuple[str, str]] = set()
    stack = list(roots)
    while stack and len(seen) < _MAX_VISITS:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, list | tuple | set | frozenset):
            stack.extend(islice(obj, _MAX_ITEMS))  # big data holds no classes worth a walk
        elif isinstance(obj, dict):
            stack.extend(islice(obj.values(), _MAX_ITEMS))
        elif isinstance(obj, staticmethod | classmethod):
            stack.append(obj.__func__)
        elif isinstance(obj, property):
            stack.extend(f for f in (obj.fget, obj.fset, obj.fdel) if f is not None)
        elif isinstance(obj, types.MethodType):
            stack.extend((obj.__func__, obj.__self__))
        elif isinstance(obj, types.FunctionType | type):
            home = _home(getattr(obj, "__module__", None))
            if home is None:
                continue
            name = getattr(obj, "__qualname__", "")
            if name and "." not in name and "<" not in name and (home.__name__, name) not in bound:
                setattr(home, name, obj)
            if isinstance(obj, type):
                stack.extend(vars(obj).values())
                stack.extend(obj.__bases__)
            else:
                _bind_globals(obj.__globals__, home, bound)
                stack.extend(obj.__globals__.values())
                stack.extend(c.cell_contents for c in obj.__closure__ or () if _filled(c))
                stack.extend(obj.__defaults__ or ())
                stack.extend((obj.__kwdefaults__ or {}).values())
        elif _home(getattr(type(obj), "__module__", None)) is not None:
            stack.append(type(obj))


def _bind_globals(namespace: dict[str, Any], home: types.ModuleType,
                  bound: set[tuple[str, str]]) -> None:
    """Set the classes and functions a shipped function's globals bind under their own names."""
    for key, value in list(namespace.items())[:_MAX_ITEMS]:
        if (isinstance(value, types.FunctionType | type) and getattr(value, "__qualname__", None) == key
                and _home(getattr(value, "__module__", None)) is home):
            setattr(home, key, value)
            bound.add((home.__name__, key))


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 -- an empty cell raises ValueError
    except ValueError:
        return False
    return True


def _outcome(workdir: Path) -> dict[str, Any]:
    try:
        import cloudpickle

        fn, args, kwargs = cloudpickle.loads((workdir / PAYLOAD).read_bytes())
        _register_shipped([fn, args, kwargs])
    except BaseException as exc:
        return _failure("load", exc)
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt are learner failures too
        return _failure("call", exc)
    try:
        # converted here, in the child: the parent never unpickles anything the child made
        return {"ok": True, "value": encode_plain(to_plain(result))}
    except BaseException as exc:
        return _failure("convert", exc)


def main(workdir_arg: str) -> None:
    """Run the pickled call in workdir_arg and leave result.json there; never returns."""
    workdir = Path(workdir_arg)
    from course.grading.sandbox.inside.shared_files import learner_setup

    learner_setup()  # in grading: temp files the tests can read, as in the learner's kernel
    outcome = _outcome(workdir)
    try:
        text = json.dumps(outcome)
    except (TypeError, ValueError) as exc:
        text = json.dumps(_failure("convert", exc))
    tmp = workdir / (RESULT + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, workdir / RESULT)  # the parent never sees a half-written result
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        atexit._run_exitfuncs()  # let services (e.g. embedded Redis) clean up
    finally:
        # os._exit: learner threads left running must not keep the process alive
        os._exit(0)
