"""The executor: runs one job's notebooks, inside the sandbox, and answers with plain JSON.

Usage: python -m course.grading.executor JOBDIR FD  (the job as JSON on stdin)

The job, {"notebooks": {name: notebook JSON}, "limits", "nonce", "sandboxed"}, comes on stdin and
stays in this process: the notebooks (instructor's test cells restored, hidden tests included)
are never written where learner code could read them. Kernels run in JOBDIR/work. The answer,
{"notebooks", "errors", "flags", "seconds"}, is written once to file descriptor FD (a pipe the
grader reads with a size cap). This module imports no gradebook code and needs no course folder.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

# jsonschema imports rfc3987_syntax when it is installed, which builds a parser for seconds; the
# executor never validates URIs, so it skips that import (it is paid once per job otherwise).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import nbformat  # noqa: E402
from jupyter_client.manager import AsyncKernelManager  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import DeadKernelError  # noqa: E402
from nbformat import NotebookNode  # noqa: E402

from course.grading import guard  # noqa: E402

log = logging.getLogger("course.grading.executor")

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4


def _harden() -> None:
    """No ptrace or /proc/<pid>/fd access from the kernel (same uid); die with the grader."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: nothing to do
        pass


def _is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _error_output(message: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename="NotRun", evalue=message, traceback=[message])


class GuardedExecute(NotebookClient):
    """nbgrader's Execute (same settings and error recording, without importing nbgrader), plus:
    the integrity guard, timeouts noted per cell, and an output size cap."""

    def __init__(self, *, nonce: str, output_bytes: int, **kw: Any) -> None:
        kw.setdefault("kernel_manager_class", AsyncKernelManager)
        super().__init__(nbformat.v4.new_notebook(), **kw)
        self.error_on_timeout = {
            "ename": "CellTimeoutError", "evalue": "",
            "traceback": ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"],
        }
        self.raise_on_iopub_timeout = True
        self.nonce = nonce
        self.output_bytes = output_bytes
        self.current: int | None = None
        self.timed_out: list[int] = []
        self.tampered: dict[int, list[str]] = {}
        self.cut: set[int] = set()
        self._bytes: dict[int, int] = {}
        self._installed = False

    async def _silent(self, code: str, expressions: dict[str, str] | None = None) -> dict:
        assert self.kc is not None
        msg_id = self.kc.execute(code, silent=True, store_history=False,
                                 user_expressions=expressions or {})
        reply = await self.async_wait_for_reply(msg_id)
        return (reply or {}).get("content", {})

    async def async_execute_cell(self, cell: NotebookNode, cell_index: int,
                                 execution_count: int | None = None,
                                 store_history: bool = True) -> NotebookNode:
        if not self._installed:
            self._installed = True
            content = await self._silent(guard.install_code(self.nonce))
            if content.get("status") != "ok":
                log.warning("the guard could not be installed: %s", content.get("evalue"))
        if cell.cell_type == "code" and _is_test_cell(cell):
            content = await self._silent("", {"g": guard.check_expression(self.nonce)})
            changed = guard.parse_check(content, "g")
            if changed:
                self.tampered[cell_index] = changed
        self.current = cell_index
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    def on_cell_executed(self, **kwargs: Any) -> None:
        """As nbgrader's Execute: an error reply without an error output (showtraceback replaced)
        still leaves an error in the cell."""
        cell, reply = kwargs["cell"], kwargs["execute_reply"]
        if reply["content"]["status"] != "error":
            return
        if any(o.output_type == "error" and o.ename == reply["content"].get("ename") for o in cell.outputs):
            return
        tb = reply["content"].get("traceback") or [
            "ERROR: An error occurred while showtraceback was disabled"]
        cell.outputs.append(nbformat.v4.new_output(
            "error", ename=reply["content"].get("ename", "Error"),
            evalue=reply["content"].get("evalue", ""), traceback=tb))

    async def _async_handle_timeout(self, timeout: int, cell: NotebookNode | None = None):
        if self.current is not None and cell is not None:
            self.timed_out.append(self.current)
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001, ANN201 (nbclient's signature)
        size = len(json.dumps(msg.get("content", {}), default=str))
        used = self._bytes.get(cell_index, 0) + size
        self._bytes[cell_index] = used
        if used > self.output_bytes and msg.get("msg_type") != "error":
            if cell_index not in self.cut:
                self.cut.add(cell_index)
                note = (f"[output cut: this cell printed more than {self.output_bytes // 1024} KiB; "
                        "the rest was dropped by the grader]\n")
                outs.append(nbformat.v4.new_output("stream", name="stdout", text=note))
            return None
        return super().output(outs, msg, display_id, cell_index)


def _kill_kernel(client: GuardedExecute) -> None:
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    pid = getattr(process, "pid", None)
    if not pid:
        return
    try:
        pgid = os.getpgid(pid)
        if pgid != os.getpgid(0):
            os.killpg(pgid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _kill_leftovers(sandboxed: bool) -> None:
    """In the sandbox (own pid namespace, own uid), nothing a notebook started survives it."""
    if sandboxed:
        try:
            os.kill(-1, signal.SIGKILL)  # every process of this uid that we can see, except us
        except ProcessLookupError:
            pass


def run_notebook(name: str, nb: NotebookNode, workdir: Path, limits: dict, nonce: str,
                 flags: list[dict]) -> tuple[NotebookNode, str | None]:
    """Execute one notebook in a fresh kernel; the executed notebook and an error message or None."""
    client = GuardedExecute(
        nonce=nonce, output_bytes=int(limits["output_bytes"]),
        timeout=int(limits["cell_timeout"]), interrupt_on_timeout=True, allow_errors=True,
        startup_timeout=120, kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
        extra_arguments=["--HistoryManager.hist_file=:memory:"],
        resources={"metadata": {"path": str(workdir)}},
    )
    client.nb = nb
    wall = float(limits["notebook_timeout"])
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        _kill_kernel(client)

    timer = threading.Timer(wall, expire)
    timer.daemon = True
    error = None
    stopped = False
    timer.start()
    try:
        client.execute()
    except DeadKernelError:
        stopped = True
        where = f" in cell {client.current + 1}" if client.current is not None else ""
        if expired.is_set():
            error = f"the notebook ran longer than {wall:g} s and was stopped{where}"
        else:
            error = f"the kernel died{where} (os._exit, a crash or running out of memory)"
    except Exception as exc:  # a kernel that does not start, a broken message...
        stopped = True
        error = f"the notebook could not be run: {type(exc).__name__}: {str(exc)[:300]}"
    finally:
        timer.cancel()
    if expired.is_set() and error is None:
        error = f"the notebook ran longer than {wall:g} s and was stopped"
    timeouts = sorted(set(client.timed_out))
    if timeouts and error is None:
        error = "; ".join(f"cell {i + 1} ran longer than {limits['cell_timeout']:g} s" for i in timeouts)
    elif timeouts:
        error = "; ".join([*(f"cell {i + 1} ran longer than {limits['cell_timeout']:g} s"
                             for i in timeouts), error])
    for index, changed in sorted(client.tampered.items()):
        gid = nb.cells[index].metadata.get("nbgrader", {}).get("grade_id")
        flags.append({"criterion": gid, "notebook": name, "message": guard.describe(changed)})
    reached = client.current if client.current is not None else -1
    for index, cell in enumerate(nb.cells):
        if _is_test_cell(cell) and (index > reached or (index == reached and stopped)):
            if not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                cell.outputs.append(_error_output(f"not run: {error or 'the notebook stopped'}"))
    return nb, error


def main(argv: list[str]) -> int:
    jobdir, fd = Path(argv[0]), int(argv[1])
    os.set_inheritable(fd, False)
    _harden()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    spec = json.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    for sub in ("work", "home", "tmp"):
        (jobdir / sub).mkdir(parents=True, exist_ok=True)
    workdir = jobdir / "work"
    notebooks: dict[str, NotebookNode] = {}
    errors: dict[str, str] = {}
    for name, text in spec["notebooks"].items():
        try:
            notebooks[name] = nbformat.reads(text, as_version=4)
        except Exception as exc:
            errors[name] = f"the notebook could not be read: {exc}"
    del spec["notebooks"]
    flags: list[dict] = []
    executed: dict[str, str] = {}
    for name, nb in notebooks.items():
        nb, error = run_notebook(name, nb, workdir, spec["limits"], spec["nonce"], flags)
        _kill_leftovers(spec.get("sandboxed", False))
        if error:
            errors[name] = error
        executed[name] = nbformat.writes(nb)
    answer = {"notebooks": executed, "errors": errors, "flags": flags,
              "seconds": time.monotonic() - started}
    data = json.dumps(answer).encode()
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
