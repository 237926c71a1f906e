"""Running one criterion's visible checks on the learner's objects: pure, never raises."""

from __future__ import annotations

import builtins
import contextlib
import inspect
import logging
import os
import signal
import sysconfig
import threading
import time
import traceback
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from course import criteria

from .errors import CheckUnavailable, NotWrittenYet, SelfCheckFailed
from .registry import Checker, Signature, checker

log = logging.getLogger(__name__)

PASSED, FAILED, NOT_WRITTEN, UNAVAILABLE = "passed", "failed", "not written", "unavailable"


@dataclass(frozen=True)
class CheckResult:
    """What one self-check found. `message` is for the learner; views decide how to show it."""

    criterion: str
    status: str  # PASSED, FAILED, NOT_WRITTEN or UNAVAILABLE
    message: str
    seconds: float = 0.0
    checked: tuple[str, ...] = field(default=())  # the learner names the checks used

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def title(self) -> str:
        crit = criteria.BY_ID.get(self.criterion)
        return crit.title if crit else ""


def passed_message(criterion_id: str) -> str:
    return (f"visible checks passed for {criterion_id} — the hidden tests run when you grade "
            "(`course check`)")


def _label(obj: Any) -> str | None:
    name = getattr(obj, "__name__", None)
    return name if isinstance(name, str) else None


def resolve(chk: Checker, objects: tuple[Any, ...], named: Mapping[str, Any],
            namespace: Mapping[str, Any] | None) -> dict[str, Any]:
    """The names the visible code needs, from the objects given, by name, then the namespace."""
    found: dict[str, Any] = {k: v for k, v in named.items()}
    unnamed = []
    for obj in objects:
        label = _label(obj)
        if label in chk.needs and label not in found:
            found[label] = obj
        else:
            unnamed.append(obj)
    missing = [n for n in chk.needs if n not in found]
    if unnamed:
        if len(unnamed) == 1 and len(missing) == 1:
            found[missing.pop()] = unnamed[0]  # a renamed or wrapped function: trust the order
        else:
            what = ", ".join(_label(o) or type(o).__name__ for o in unnamed)
            raise SelfCheckFailed(
                f"{chk.criterion} checks {_names(chk.needs)}; it was given {what}. "
                f"Call it as {_call(chk)}")
    for name in [*missing, *chk.free]:
        if namespace is not None and name in namespace:
            found[name] = namespace[name]
    still = [n for n in chk.needs if n not in found]
    if still:
        raise SelfCheckFailed(
            f"{_names(still)} {'is' if len(still) == 1 else 'are'} not defined yet: run "
            f"{'its cell' if len(still) == 1 else 'their cells'} first, then {_call(chk)}")
    return found


def _names(names: tuple[str, ...] | list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _call(chk: Checker) -> str:
    return f"check({chk.criterion!r}{''.join(', ' + n for n in chk.needs)})"


def signature_problem(expected: Signature, obj: Any) -> str | None:
    """Why `obj` cannot be called the way the graders call it, or None when it can."""
    kind = "class" if expected.is_class else "function"
    if expected.is_class and not isinstance(obj, type):
        return f"`{expected.name}` should be a class, but it is {_a(obj)}"
    if not expected.is_class and (isinstance(obj, type) or not callable(obj)):
        return f"`{expected.name}` should be a function, but it is {_a(obj)}"
    try:
        actual = inspect.signature(obj)
    except (TypeError, ValueError):
        return None  # builtins and C functions: let the checks speak
    params = list(actual.parameters.values())
    has_var = {p.kind for p in params}
    names = [p.name for p in params]
    P = inspect.Parameter
    for p in expected.params:
        if p.kind in ("vararg", "varkw"):
            continue
        if p.name not in names and P.VAR_KEYWORD not in has_var:
            return (f"the graders call {expected.describe()}, but your {kind} has no parameter "
                    f"`{p.name}`: keep the def line as the notebook gives it")
    expected_names = {p.name for p in expected.params}
    for p in params:
        if (p.name not in expected_names and p.default is P.empty
                and p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)):
            return (f"your {kind} `{expected.name}` needs a parameter `{p.name}` that the graders "
                    f"never pass (they call {expected.describe()}): give it a default or remove it")
    return None


def _a(obj: Any) -> str:
    name = type(obj).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


_LIBRARY_DIRS = tuple(sorted({str(Path(p)) + os.sep for p in (
    sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
    sysconfig.get_paths()["platlib"], Path(__file__).resolve().parent.parent)}))


def is_learner_file(filename: str, learner_files: set[str]) -> bool:
    """Whether code from this file is the learner's (a notebook cell), not a library's."""
    if filename in learner_files:
        return True
    if filename.startswith("<"):
        return filename.startswith("<ipython-input") or filename == "<cell>"
    return not filename.startswith(_LIBRARY_DIRS)


def _learner_frames(tb: TracebackType | None, learner_files: set[str]) -> list[Any]:
    return [f for f, _ in traceback.walk_tb(tb) if is_learner_file(f.f_code.co_filename, learner_files)]


def _where(frame: Any) -> str:
    return getattr(frame.f_code, "co_qualname", frame.f_code.co_name)


def explain(exc: BaseException, chk: Checker, learner_files: set[str]) -> SelfCheckFailed:
    """A learner-facing SelfCheckFailed for whatever the checks raised."""
    if isinstance(exc, SelfCheckFailed):
        return exc
    frames = _learner_frames(exc.__traceback__, learner_files)
    if isinstance(exc, NotImplementedError) and frames:
        return NotWrittenYet(f"`{_where(frames[-1])}`")
    if isinstance(exc, AssertionError) and str(exc) and not frames:
        if "NotImplementedError" in str(exc):  # the checks caught a stub's error themselves
            return NotWrittenYet(f"the code the checks use ({_names(chk.needs)})", str(exc))
        return SelfCheckFailed(str(exc))  # the visible checks' own message
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if frames:
        frame = frames[-1]
        return SelfCheckFailed(
            f"`{_where(frame)}` raised {detail} (line {frame.f_lineno} of its cell) while the "
            "visible checks ran it")
    return SelfCheckFailed(
        f"the visible checks could not use what your code returned: {detail}")


def _files_of(objects: Mapping[str, Any]) -> set[str]:
    files: set[str] = set()
    for obj in objects.values():
        members = [obj] + (list(vars(obj).values()) if isinstance(obj, type) else [])
        for member in members:
            member = getattr(member, "__func__", member)
            code = getattr(member, "__code__", None)
            if code is not None:
                files.add(code.co_filename)
    return files


#: Seconds a self-check may run before it is stopped (the visible checks take well under 2 s;
#: only the learner's own code, such as a huge grid search, can take longer).
TIME_LIMIT_S = float(os.environ.get("COURSE_SELFCHECK_TIMEOUT", "30"))


class _TookTooLong(BaseException):
    """Raised inside the checks by the alarm (a BaseException so that learner code's
    `except Exception` cannot swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` where that is possible (main thread, POSIX)."""
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _alarm(_signum, _frame):
        raise _TookTooLong()

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_checker(chk: Checker, objects: Mapping[str, Any]) -> None:
    """Run the visible checks with the learner's objects; raise SelfCheckFailed on any failure."""
    for sig in chk.signatures:
        problem = signature_problem(sig, objects[sig.name])
        if problem:
            raise SelfCheckFailed(problem)
    namespace: dict[str, Any] = {"__name__": "__selfcheck__", "__builtins__": builtins, **objects}
    learner_files = _files_of({n: objects[n] for n in chk.needs})
    try:
        with warnings.catch_warnings(), _time_limit(TIME_LIMIT_S):
            warnings.simplefilter("ignore")
            exec(compile(chk.code, chk.filename, "exec"), namespace)
    except _TookTooLong:
        raise SelfCheckFailed(
            f"the visible checks of {chk.criterion} were stopped after {TIME_LIMIT_S:g} s (they "
            "take about a second with a typical answer): look for a loop that never ends or a "
            "search that is far too large") from None
    except (KeyboardInterrupt, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 -- every failure becomes the learner's message
        raise explain(exc, chk, learner_files) from None


def run(criterion_id: str, *objects: Any, namespace: Mapping[str, Any] | None = None,
        root: Path | None = None, **named: Any) -> CheckResult:
    """Run the visible checks of `criterion_id` on the learner's objects and say what happened.

    `objects` are the learner's functions or classes (matched by name); `named` gives them by
    name; `namespace` (a notebook's globals) supplies anything still missing. Never raises
    (except KeyboardInterrupt).
    """
    started = time.perf_counter()
    try:
        chk = checker(criterion_id, root)
        resolved = resolve(chk, objects, named, namespace)
        run_checker(chk, resolved)
    except CheckUnavailable as exc:
        return CheckResult(criterion_id, UNAVAILABLE, str(exc), time.perf_counter() - started)
    except NotWrittenYet as exc:
        return CheckResult(criterion_id, NOT_WRITTEN, str(exc), time.perf_counter() - started)
    except SelfCheckFailed as exc:
        return CheckResult(criterion_id, FAILED, str(exc), time.perf_counter() - started)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 -- a self-check must never raise into the notebook
        log.exception("self-check %s broke", criterion_id)
        return CheckResult(criterion_id, UNAVAILABLE,
                           f"the self-check itself broke ({type(exc).__name__}: {exc}); "
                           "`course check` still grades your notebook", time.perf_counter() - started)
    return CheckResult(criterion_id, PASSED, passed_message(criterion_id),
                       time.perf_counter() - started, chk.needs)
