"""Child side of run_in_fresh_process: load the call, run it, write plain JSON, exit."""

from __future__ import annotations

import atexit
import json
import os
import sys
from pathlib import Path
from typing import Any

from course.testing.plain import encode_plain, to_plain

PAYLOAD = "payload.pkl"
RESULT = "result.json"


def _failure(stage: str, exc: BaseException) -> dict[str, Any]:
    try:
        message = str(exc)
    except Exception:  # a learner exception whose __str__ itself fails
        message = "(the error message could not be shown)"
    return {"ok": False, "stage": stage, "type": type(exc).__name__, "message": message}


def _outcome(workdir: Path) -> dict[str, Any]:
    try:
        import cloudpickle

        fn, args, kwargs = cloudpickle.loads((workdir / PAYLOAD).read_bytes())
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
