"""The executor: runs one job's notebooks, each in two kernels, and answers with plain JSON.

Usage (the launcher starts it, as the executor's own uid, in Python's isolated mode):

    python -I -m course.grading.sandbox.inside.executor JOBDIR ANSWER_FD LAUNCHER_FD UIDS

The job, {"notebooks": {name: notebook JSON}, "limits"}, comes on stdin and stays in this
process, which no kernel can trace or read (another uid, not dumpable). For each notebook the
launcher makes fresh folders and starts two kernels: the learner kernel runs the submitted cells
except the test cells; the grader kernel runs the instructor's test cells and reaches the
learner's names through course.boundary's proxies, whose frames this process relays. While a test
cell runs, the learner kernel serves the grader's calls and whatever it prints is discarded. The
answer, {"notebooks", "errors", "flags", "seconds"}, is written once to ANSWER_FD (a pipe the
grader reads with a size cap). This module imports no gradebook code and needs no course folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# jsonschema imports rfc3987_syntax when it is installed, which builds a parser for seconds; the
# executor never validates URIs, so it skips that import (it is paid once per job otherwise).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import DeadKernelError  # noqa: E402
from nbformat import NotebookNode  # noqa: E402

from course.boundary import codec, grader, learner  # noqa: E402
from course.boundary.interleave import names_used, plan  # noqa: E402
from course.grading.sandbox.inside.kernels import LauncherChannel, LauncherError, kernel_manager  # noqa: E402
from course.grading.sandbox.inside.relay import Relay, listen, peer_uid  # noqa: E402
from course.notebooks import is_test_cell  # noqa: E402

log = logging.getLogger("course.grading.sandbox.inside.executor")

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
#: Seconds a kernel has to connect to its relay socket, and the learner side to stop serving.
CONNECT_SECONDS = 60
SERVE_GRACE_SECONDS = 5
STOPPED_SERVING = ("the notebook's kernel stopped answering the tests (its code changed how "
                   "cells run, or it stopped)")
#: Bytes queued for a side that does not read (a flood beyond it is dropped).
QUEUE_CAP = 256 * 1024**2
#: Run silently in the grader kernel before the boundary: the test cells' temporary files and
#: folders are made in the shared folder, so that the learner side can use them (the grader's
#: own home stays private; course.grading.sandbox.inside.shared_files), and the kernel becomes non-dumpable: no
#: other process of its uid (a tool a test starts) can trace it or read its memory and key.
GRADER_SETUP = r"""
def _course_grader_setup():
    import ctypes
    from course.grading.sandbox.inside.shared_files import grader_setup
    grader_setup()
    if ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE
        raise OSError(ctypes.get_errno(), "the grader kernel could not become non-dumpable")
_course_grader_setup()
del _course_grader_setup
"""
#: Run silently in the learner kernel before the boundary: files its code makes with `tempfile`
#: get the modes of its umask (007), so the tests (the shared folder's group) can read them.
LEARNER_SETUP = "__import__('course.grading.sandbox.inside.shared_files', fromlist=['_']).learner_setup()\n"


def _harden() -> None:
    """No ptrace or /proc/<pid> access from any kernel; die with the launcher."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: nothing to do
        pass


def _error_output(message: str, ename: str = "NotRun") -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[message])


def capped_error(content: dict, room: int) -> dict:
    """An error output that fits in `room` bytes: its name, the start of its message and the end
    of its traceback (where the failing line is)."""
    ename = str(content.get("ename", "Error"))[:200]
    evalue = str(content.get("evalue", ""))
    keep = max(200, min(len(evalue), room // 2))
    short = evalue if len(evalue) <= keep else evalue[:keep] + f"... [{len(evalue) - keep} characters cut]"
    lines = [str(line) for line in content.get("traceback") or []]
    budget = max(200, room - len(short))
    tail: list[str] = []
    for line in reversed(lines):
        line = line if len(line) <= budget else line[:budget] + "... [cut]"
        if sum(map(len, tail)) + len(line) > budget and tail:
            break
        tail.insert(0, line)
    if len(tail) < len(lines):
        tail.insert(0, f"[traceback cut: {len(lines) - len(tail)} lines over the output limit]")
    return {**content, "ename": ename, "evalue": short, "traceback": tail}


class CellRunner(NotebookClient):
    """nbgrader's Execute settings (without importing nbgrader) for one kernel, plus: timeouts noted
    per cell, and an output cap per cell that error outputs count toward too."""

    def __init__(self, nb: NotebookNode, *, role: str, output_bytes: int,
                 budget: OutputBudget | None = None, **kw: Any) -> None:
        super().__init__(nb, **kw)
        self.role = role
        self.error_on_timeout = {
            "ename": "CellTimeoutError", "evalue": "",
            "traceback": ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"],
        }
        # The reply decides (on_cell_executed adds the error an error reply lacks); outputs that
        # come late on a loaded machine are waited for, then given up, never fatal for the notebook.
        self.iopub_timeout = 10
        self.raise_on_iopub_timeout = False
        self.output_bytes = output_bytes
        self.budget = budget if budget is not None else OutputBudget(output_bytes, output_bytes)
        self.current: int | None = None
        self.timed_out: list[int] = []
        self.cut: set[int] = set()

    async def async_execute_cell(self, cell: NotebookNode, cell_index: int,
                                 execution_count: int | None = None,
                                 store_history: bool = True) -> NotebookNode:
        self.current = cell_index
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    def on_cell_executed(self, **kwargs: Any) -> None:
        """As nbgrader's Execute: an error reply without an error output still leaves an error."""
        cell, reply = kwargs["cell"], kwargs["execute_reply"]
        if reply is None or reply["content"]["status"] == "ok":
            return
        if any(o.output_type == "error" for o in cell.outputs):
            return
        content = reply["content"]
        tb = content.get("traceback") or ["ERROR: the cell failed without showing an error"]
        out = capped_error({"ename": content.get("ename", "Error"),
                            "evalue": content.get("evalue", ""), "traceback": tb}, 4096)
        cell.outputs.append(nbformat.v4.new_output("error", **out))

    async def _async_handle_timeout(self, timeout: int, cell: NotebookNode | None = None):
        if self.current is not None and cell is not None:
            self.timed_out.append(self.current)
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001, ANN201 (nbclient's signature)
        content = msg.get("content", {})
        size = len(json.dumps(content, default=str))
        if self.budget.take(cell_index, size):
            return super().output(outs, msg, display_id, cell_index)
        if msg.get("msg_type") == "error":  # the cell failed: keep that, shortened to fit
            room = self.budget.error_room(cell_index)
            msg = {**msg, "content": capped_error(content, room)}
            self.budget.force(cell_index, room)
            return super().output(outs, msg, display_id, cell_index)
        if cell_index not in self.cut:
            self.cut.add(cell_index)
            note = (f"[output cut: this cell printed more than {self.output_bytes // 1024} KiB, or "
                    "the notebook more than the grader keeps; the rest was dropped by the grader]\n")
            outs.append(nbformat.v4.new_output("stream", name="stdout", text=note))
        return None

    def _update_display_id(self, display_id: str, msg: dict) -> None:
        """Dropped in grading: an update (update_display, or a display reusing a display_id) would
        rewrite outputs already stored, past the cap that output() applies. Nothing is animated in
        a graded notebook; each display keeps what it first showed."""
        return

    def handle_comm_msg(self, outs, msg, cell_index):  # noqa: ANN001, ANN201 (nbclient's signature)
        """Widget messages (their state is kept in the notebook's metadata) count like outputs."""
        size = len(json.dumps(msg.get("content", {}), default=str))
        if self.budget.take(cell_index, size):
            return super().handle_comm_msg(outs, msg, cell_index)
        return None


class OutputBudget:
    """What a notebook's outputs may add to it: `per_cell` bytes per cell (error outputs included)
    and `total` bytes for the whole notebook, shared by both kernels' runners. Once a cell went
    over, later outputs of that cell are dropped too (what is kept is a prefix of what came)."""

    def __init__(self, per_cell: int, total: int) -> None:
        self.per_cell, self.total = per_cell, total
        self.cells: dict[int, int] = {}
        self.over: set[int] = set()
        self.used = 0

    def take(self, cell_index: int, size: int) -> bool:
        """Whether an output of `size` bytes of this cell is kept (and then counted)."""
        used = self.cells.get(cell_index, 0)
        if cell_index in self.over or used + size > self.per_cell or self.used + size > self.total:
            self.over.add(cell_index)
            return False
        self.cells[cell_index] = used + size
        self.used += size
        return True

    def error_room(self, cell_index: int) -> int:
        """Bytes an error output of this cell may still take (at least 2 KiB: a cell that failed
        always says why)."""
        return max(2048, min(self.per_cell - self.cells.get(cell_index, 0), self.total - self.used))

    def force(self, cell_index: int, size: int) -> None:
        self.cells[cell_index] = self.cells.get(cell_index, 0) + size
        self.used += size


@dataclass
class Job:
    """What every notebook of the job shares: limits, the launcher, the uids to check."""

    limits: dict
    channel: LauncherChannel
    jobdir: Path
    uids: dict[str, int] | None
    flags: list[dict] = field(default_factory=list)


class NotebookError(Exception):
    """Why a notebook could not run, in words written here: the only exception text that reaches
    the learner (nbclient's and jupyter_client's exceptions may quote a cell's source)."""


class NoReply(NotebookError, TimeoutError):
    """A kernel did not answer code the executor sent it in time."""


def learner_safe_reason(exc: BaseException) -> str:
    """What the learner may read about `exc`: this module's own message, else only its type."""
    if isinstance(exc, NotebookError):
        return str(exc)[:300]
    return f"{type(exc).__name__} in the grading process (the grader's log has the details)"


class KernelDied(Exception):
    def __init__(self, role: str, index: int | None) -> None:
        super().__init__(role)
        self.role, self.index = role, index


async def _silent(client: CellRunner, code: str, timeout: float) -> dict:
    """Run code that is not part of the notebook; its reply's content (outputs are dropped)."""
    assert client.kc is not None
    msg_id = client.kc.execute(code, silent=True, store_history=False, stop_on_error=False)
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise NoReply(f"a kernel did not answer within {timeout:g} s")
        try:
            msg = await client.kc.shell_channel.get_msg(timeout=min(left, 1.0))
        except Exception:  # queue.Empty
            if not await client.km.is_alive():
                raise DeadKernelError("Kernel died") from None
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


async def _accept(server: socket.socket, path: str, role: str, job: Job) -> socket.socket:
    loop = asyncio.get_running_loop()
    server.setblocking(False)
    try:
        conn, _ = await asyncio.wait_for(loop.sock_accept(server), CONNECT_SECONDS)
    finally:
        server.close()
        with contextlib.suppress(OSError):
            os.unlink(path)
    if job.uids is not None and peer_uid(conn) != job.uids[role]:
        conn.close()
        raise NotebookError(f"a process that is not the {role} kernel connected")
    conn.setblocking(True)
    return conn


class NotebookRun:
    """One notebook: its two kernels, the relay between them, and the cells in order."""

    def __init__(self, index: int, name: str, nb: NotebookNode, job: Job) -> None:
        self.index, self.name, self.nb, self.job = index, name, nb, job
        limits = job.limits
        self.dirs: dict[str, str] = {}
        self.clients: dict[str, CellRunner] = {}
        self.relay: Relay | None = None
        self.count = 0
        # what all outputs together may add: no more than the largest notebook one may submit
        self.budget = OutputBudget(int(limits["output_bytes"]),
                                   int(limits.get("notebook_bytes", 5 * 1024**2)))
        self.settings = {"output_bytes": int(limits["output_bytes"]),
                         "timeout": int(limits["cell_timeout"]), "interrupt_on_timeout": True,
                         "allow_errors": True, "startup_timeout": 120}
        self.steps = plan(nb.cells, is_test_cell, include=lambda cell: bool(cell.source.strip()))
        self.tests = [step.index for step in self.steps if step.kernel == "grader"]

    def client(self, role: str) -> CellRunner:
        executor_home = self.job.jobdir / "executor"
        km = kernel_manager(role, self.job.channel, self.dirs[f"{role}_kernel"],
                            str(executor_home / f"{role}-nb{self.index}.json"))
        return CellRunner(self.nb, role=role, km=km, budget=self.budget, **self.settings)

    async def start(self) -> None:
        # the notebook's Redis only where test cells run (elsewhere the learner kernel may start
        # its own, as in JupyterLab)
        self.dirs = self.job.channel.request("notebook", index=self.index,
                                             services=bool(self.tests))["dirs"]
        if not self.steps:  # nothing to run (a notebook of written answers): no kernel
            return
        roles = ["learner", "grader"] if self.tests else ["learner"]
        for role in roles:
            self.clients[role] = self.client(role)

        async def boot(role: str) -> None:
            client = self.clients[role]
            await client.async_start_new_kernel(cwd=self.dirs[f"{role}_home"])
            await client.async_start_new_kernel_client()

        await asyncio.gather(*(boot(role) for role in roles))
        for role in roles:  # both kernels run: their connection files (keys) are not needed any more
            self.job.channel.request("started", role=role)
        if not self.tests:
            return
        paths = {role: f"{self.dirs[f'{role}_relay']}/s" for role in roles}
        servers = {role: listen(paths[role]) for role in roles}
        names = names_used(self.steps)
        codes = {"learner": LEARNER_SETUP + learner.bootstrap_code(paths["learner"]),
                 "grader": GRADER_SETUP + "\n" + grader.bootstrap_code(paths["grader"], names)}

        async def connect(role: str) -> socket.socket:
            accept = asyncio.ensure_future(_accept(servers[role], paths[role], role, self.job))
            reply = await _silent(self.clients[role], codes[role], CONNECT_SECONDS)
            if reply.get("status") != "ok":
                accept.cancel()
                raise NotebookError(f"the {role} kernel could not connect: "
                                    f"{str(reply.get('ename'))[:100]}: {str(reply.get('evalue'))[:200]}")
            return await accept

        conns = await asyncio.gather(connect("learner"), connect("grader"))
        self.relay = Relay(conns[0], conns[1], frame_cap=codec.MAX_FRAME, queue_cap=QUEUE_CAP)

    async def _alive(self, role: str) -> bool:
        client = self.clients.get(role)
        return client is not None and client.km is not None and await client.km.is_alive()

    async def run_cell(self, role: str, index: int) -> None:
        cell = self.nb.cells[index]
        self.count += 1
        try:
            if role == "learner":
                await self.clients["learner"].async_execute_cell(cell, index, self.count)
            else:
                await self.run_test(cell, index)
        except DeadKernelError:
            dead = "learner" if not await self._alive("learner") else "grader"
            raise KernelDied(dead, index) from None

    async def run_test(self, cell: NotebookNode, index: int) -> None:
        """The test cell in the grader kernel, while the learner kernel serves its calls.

        When the learner kernel stops serving before the test is over (learner code removed or
        broke the serving loop, or the kernel died), the relay is ended: the grader's next call
        fails at once instead of waiting for the cell's timeout."""
        assert self.relay is not None
        learner_client, grader_client = self.clients["learner"], self.clients["grader"]
        assert learner_client.kc is not None
        if self.relay.failure:  # the boundary is gone: nothing the test calls could answer
            cell.outputs = [_error_output(f"not run: {self.relay.failure}", "BoundaryError")]
            return
        token = uuid.uuid4().hex
        self.relay.open_gate()
        serve_id = learner_client.kc.execute(learner.serve_code(token), silent=True,
                                             store_history=False, stop_on_error=False)
        drain = asyncio.ensure_future(self._drain(learner_client))
        serving = asyncio.ensure_future(self._served(learner_client, serve_id, index))
        test = asyncio.ensure_future(self._test(grader_client, cell, index))
        try:
            await asyncio.wait({serving, test}, return_when=asyncio.FIRST_COMPLETED)
            if serving.done() and not test.done():
                self.relay.end(STOPPED_SERVING)
            await test
            if self.relay.failure and any(o.output_type == "error" for o in cell.outputs):
                # say why first: the test's own error (a NameError, a closed connection) follows
                cell.outputs.insert(0, _error_output(self.relay.failure, "BoundaryError"))
        finally:
            self.relay.close_gate(codec.close_frame(token))
            try:
                await self._finish_serving(learner_client, serving, index)
            finally:
                drain.cancel()

    async def _test(self, client: CellRunner, cell: NotebookNode, index: int) -> None:
        try:
            await _silent(client, grader.before_cell_code(), self.settings["timeout"])
        except (TimeoutError, LauncherError) as exc:
            log.info("refreshing names before cell %s: %s", index, exc)
        await client.async_execute_cell(cell, index, self.count)

    async def _drain(self, client: CellRunner) -> None:
        """Whatever the learner kernel prints while it serves a test is read and dropped."""
        assert client.kc is not None
        while True:
            with contextlib.suppress(Exception):
                await client.kc.iopub_channel.get_msg(timeout=1.0)

    async def _served(self, client: CellRunner, serve_id: str, index: int) -> None:
        """Returns when the learner kernel's serving request has finished."""
        assert client.kc is not None
        while True:
            try:
                msg = await client.kc.shell_channel.get_msg(timeout=0.5)
            except Exception:  # queue.Empty
                if not await self._alive("learner"):
                    raise KernelDied("learner", index) from None
                continue
            if msg["parent_header"].get("msg_id") == serve_id:
                return

    async def _finish_serving(self, client: CellRunner, serving: asyncio.Future, index: int) -> None:
        """Wait for the learner kernel to stop serving; interrupt it when it does not."""
        for attempt in range(2):
            done, _ = await asyncio.wait({serving}, timeout=SERVE_GRACE_SECONDS)
            if done:
                serving.result()  # KernelDied when the learner kernel died
                return
            if attempt == 0 and client.km is not None:
                with contextlib.suppress(Exception):
                    await client.km.interrupt_kernel()
        serving.cancel()
        log.info("the learner kernel still serves after cell %s", index)

    async def stop(self) -> None:
        if self.relay is not None:
            self.relay.stop()
        for client in self.clients.values():
            if client.km is None:
                continue
            with contextlib.suppress(Exception):
                await client.km.shutdown_kernel(now=True)
            if client.kc is not None:
                with contextlib.suppress(Exception):
                    client.kc.stop_channels()
        with contextlib.suppress(LauncherError, OSError):
            self.job.channel.request("stop")

    def kill(self) -> None:
        """From the wall-clock timer's thread: stop both kernels now."""
        for role in self.clients:
            with contextlib.suppress(LauncherError, OSError, ValueError):
                self.job.channel.request("signal", role=role, signal=int(signal.SIGKILL))


async def run_notebook(index: int, name: str, nb: NotebookNode,
                       job: Job) -> tuple[NotebookNode, str | None]:
    """Execute one notebook; the executed notebook and an error message or None."""
    limits = job.limits
    wall = float(limits["notebook_timeout"])
    run = NotebookRun(index, name, nb, job)
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        run.kill()

    timer = threading.Timer(wall, expire)
    timer.daemon = True
    error: str | None = None
    stopped_at: int | None = None
    timer.start()
    try:
        await run.start()
        for step in run.steps:
            stopped_at = step.index
            await run.run_cell(step.kernel, step.index)
        stopped_at = None
    except KernelDied as died:
        where = f" in cell {died.index + 1}" if died.index is not None else ""
        if expired.is_set():
            error = f"the notebook ran longer than {wall:g} s and was stopped{where}"
        elif died.role == "learner":
            error = f"the kernel died{where} (os._exit, a crash or running out of memory)"
        else:
            error = f"the grader's kernel stopped{where} (it probably ran out of memory)"
    except Exception as exc:  # a kernel that does not start, a broken message...
        log.info("notebook %s stopped", name, exc_info=True)
        if expired.is_set():
            error = f"the notebook ran longer than {wall:g} s and was stopped"
        else:
            error = f"the notebook could not be run: {learner_safe_reason(exc)}"
    finally:
        timer.cancel()
        await run.stop()
    if expired.is_set() and error is None:
        error = f"the notebook ran longer than {wall:g} s and was stopped"
    timeouts = sorted({i for c in run.clients.values() for i in c.timed_out})
    if timeouts:
        notes = [f"cell {i + 1} ran longer than {limits['cell_timeout']:g} s" for i in timeouts]
        error = "; ".join([*notes, *([error] if error else [])])
    reached = stopped_at if stopped_at is not None else len(nb.cells)
    for i in run.tests:
        cell = nb.cells[i]
        if i >= reached and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            cell.outputs = [_error_output(f"not run: {error or 'the notebook stopped'}")]
    return nb, error


def main(argv: list[str]) -> int:
    jobdir, answer_fd, launcher_fd = Path(argv[0]), int(argv[1]), int(argv[2])
    uids = json.loads(argv[3])  # {"learner": uid, "grader": uid}, or null without uids
    os.set_inheritable(answer_fd, False)
    os.set_inheritable(launcher_fd, False)
    _harden()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    spec = json.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    job = Job(limits=spec["limits"], channel=LauncherChannel(launcher_fd), jobdir=jobdir, uids=uids)
    notebooks: dict[str, NotebookNode] = {}
    errors: dict[str, str] = {}
    for name, text in spec["notebooks"].items():
        try:
            notebooks[name] = nbformat.reads(text, as_version=4)
        except Exception as exc:
            log.info("notebook %s could not be read", name, exc_info=True)
            # a validation error quotes the offending cell, which may be a test cell
            errors[name] = f"the notebook could not be read ({type(exc).__name__})"
    del spec["notebooks"]
    executed: dict[str, str] = {}

    async def run_all() -> None:
        for index, (name, nb) in enumerate(notebooks.items()):
            nb, error = await run_notebook(index, name, nb, job)
            if error:
                errors[name] = error
            executed[name] = nbformat.writes(nb)

    asyncio.run(run_all())
    answer = {"notebooks": executed, "errors": errors, "flags": job.flags,
              "seconds": time.monotonic() - started}
    with os.fdopen(answer_fd, "wb") as pipe:
        pipe.write(json.dumps(answer).encode())
    job.channel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
