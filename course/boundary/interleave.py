"""A notebook over two kernels: learner cells in the learner kernel, test cells in the grader kernel.

`plan(cells, is_test)` is the one place that decides the interleaving: every code cell in
notebook order, the test cells (autograded, not solutions) to the grader kernel and every other
code cell to the learner kernel. `TwoKernels` runs such a plan with jupyter_client kernels and a
`Relay` (no uids, no sandbox: what `tests.nbharness --boundary` uses); the sandboxed executor
runs the same plan with its own kernels.

Around each test cell, in this order:
  1. learner kernel: `learner.serve_code(token)` (not awaited: it returns after step 4)
  2. grader kernel: `grader.before_cell_code()` (silent), then the test cell itself
  3. the relay sends `close_frame(token)` to the learner side
  4. the learner kernel's serve request completes (its output is discarded)
"""

from __future__ import annotations

import logging
import queue
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.boundary import grader, learner
from course.boundary.connection import trace, trace_to_folder
from course.boundary.names import learner_names
from course.boundary.relay import Relay

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    kernel: str  # "learner" or "grader"
    index: int  # the cell's index in the notebook
    source: str


def plan(cells: Iterable[Any], is_test: Callable[[Any], bool],
         include: Callable[[Any], bool] = lambda cell: True) -> list[Step]:
    """Every code cell in notebook order, test cells to the grader, the others (if included) to the learner."""
    steps = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        if is_test(cell):
            steps.append(Step("grader", index, cell.get("source", "")))
        elif include(cell):
            steps.append(Step("learner", index, cell.get("source", "")))
    return steps


def names_used(steps: Iterable[Step]) -> list[str]:
    return learner_names([s.source for s in steps if s.kernel == "grader"])


@dataclass
class CellResult:
    status: str  # "ok" or "error"
    ename: str = ""
    evalue: str = ""
    seconds: float = 0.0


class KernelError(RuntimeError):
    """A kernel did not start, died or stopped answering."""


class _Kernel:
    def __init__(self, name: str, cwd: str, extra_env: dict[str, str] | None = None) -> None:
        from jupyter_client.manager import KernelManager

        self.name = name
        self.km = KernelManager(kernel_name="python3")
        self.cwd = cwd
        self.extra_env = extra_env or {}

    def start(self) -> None:
        import os

        env = dict(os.environ, **self.extra_env)
        self.km.start_kernel(cwd=self.cwd, env=env,
                             extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.kc = self.km.client()
        self.kc.start_channels()

    def ready(self, timeout: float = 120) -> None:
        self.kc.wait_for_ready(timeout=timeout)

    def send(self, code: str, *, silent: bool = False) -> str:
        return self.kc.execute(code, silent=silent, store_history=not silent, allow_stdin=False)

    def reply(self, msg_id: str, timeout: float) -> CellResult:
        deadline = time.monotonic() + timeout
        interrupted = False
        while True:
            try:
                msg = self.kc.get_shell_msg(timeout=max(0.05, min(1.0, deadline - time.monotonic())))
            except queue.Empty:
                if not self.km.is_alive():
                    raise KernelError(f"the {self.name} kernel died") from None
                if time.monotonic() > deadline:
                    trace.debug("%s kernel: no reply to %s within the deadline", self.name, msg_id)
                    if interrupted:
                        raise KernelError(f"the {self.name} kernel stopped answering") from None
                    self.km.interrupt_kernel()
                    interrupted = True
                    deadline = time.monotonic() + 10
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            content = msg["content"]
            self._drain_iopub()
            if content.get("status") == "ok":
                return CellResult("ok")
            if interrupted:
                return CellResult("error", "CellTimeoutError", f"the cell ran longer than {timeout:g} s")
            return CellResult("error", str(content.get("ename", "Error")), str(content.get("evalue", "")))

    def _drain_iopub(self) -> None:
        while True:
            try:
                self.kc.get_iopub_msg(timeout=0)
            except queue.Empty:
                return

    def run(self, code: str, *, silent: bool = False, timeout: float = 300) -> CellResult:
        started = time.monotonic()
        result = self.reply(self.send(code, silent=silent), timeout)
        result.seconds = time.monotonic() - started
        return result

    def stop(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


class TwoKernels:
    """A learner kernel and a grader kernel joined by a Relay (no uids, no sandbox)."""

    def __init__(self, names: list[str], *, cwd: str | Path = ".", cell_timeout: float = 300) -> None:
        self.names = names
        self.cell_timeout = cell_timeout
        self.folder = Path(tempfile.mkdtemp(prefix="course-boundary-"))
        self.relay = Relay(self.folder / "learner.sock", self.folder / "grader.sock")
        self.learner = _Kernel("learner", str(cwd))
        self.grader = _Kernel("grader", str(cwd))

    def start(self) -> None:
        trace_to_folder("harness")
        self.relay.listen()
        self.learner.start()
        self.grader.start()
        self.learner.ready()
        self.grader.ready()
        for kernel, code in ((self.learner, learner.bootstrap_code(self.relay.paths["learner"])),
                             (self.grader, grader.bootstrap_code(self.relay.paths["grader"], self.names))):
            result = kernel.run(code, silent=True, timeout=60)
            if result.status != "ok":
                raise KernelError(f"the {kernel.name} kernel could not connect: {result.ename}: {result.evalue}")
        if not self.relay.wait_connected(30):
            raise KernelError(f"the relay did not connect both kernels ({self.relay.error})")

    def run_learner(self, source: str) -> CellResult:
        return self.learner.run(source, timeout=self.cell_timeout)

    def run_test(self, source: str) -> CellResult:
        token = uuid.uuid4().hex
        serving = self.learner.send(learner.serve_code(token), silent=True)
        trace.debug("harness: serve %s sent to the learner kernel", token)
        try:
            refreshed = self.grader.run(grader.before_cell_code(), silent=True, timeout=60)
            if refreshed.status != "ok":
                result = CellResult("error", refreshed.ename, f"(before the cell) {refreshed.evalue}")
            else:
                result = self.grader.run(source, timeout=self.cell_timeout)
        finally:
            trace.debug("harness: test cell done (%s), close %s", result_status(locals()), token)
            self.relay.close_learner(token)
        served = self.learner.reply(serving, timeout=30)
        trace.debug("harness: serve %s answered %s %s", token, served.status, served.ename)
        return result

    def stop(self) -> None:
        self.relay.close()
        for kernel in (self.grader, self.learner):
            try:
                kernel.stop()
            except Exception as exc:  # noqa: BLE001 -- stopping is best effort
                log.debug("stopping the %s kernel: %s", kernel.name, exc)

    def __enter__(self) -> TwoKernels:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def result_status(scope: dict[str, Any]) -> str:
    result = scope.get("result")
    return getattr(result, "status", "no result")


def run_steps(steps: list[Step], kernels: TwoKernels) -> Iterator[tuple[Step, CellResult]]:
    """Run a plan in order; yield each step with its result."""
    for step in steps:
        if step.kernel == "grader":
            yield step, kernels.run_test(step.source)
        else:
            yield step, kernels.run_learner(step.source)


__all__ = ["CellResult", "KernelError", "Step", "TwoKernels", "plan", "run_steps", "names_used"]
