"""Serial grading of (learner, level) jobs, each in its own process with a wall-clock limit."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import grading_limits
from ..notebooks import source_notebooks
from .scores import CriterionResult, level_results

log = logging.getLogger(__name__)


@dataclass
class JobResult:
    """What grading one learner's level gave: scores, or the reason it could not be graded."""

    learner: str
    level: str
    ok: bool
    reason: str = ""
    seconds: float = 0.0
    criteria: list[CriterionResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.criteria if not c.manual)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.criteria if not c.manual)


def _explain_failure(payload: dict) -> str:
    text = (payload.get("error") or "") + "\n" + (payload.get("log") or "")
    if "DeadKernelError" in text or "Kernel died" in text:
        return "the notebook's Python kernel died (os._exit, a crash or running out of memory)"
    if "NotJSONError" in text or "Notebook does not appear to be JSON" in text:
        return "a submitted notebook is not valid notebook JSON"
    lines = [ln for ln in (payload.get("error") or "").strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "nbgrader autograde failed (see the log with --verbose)"


def _limit_resources(memory_bytes: int) -> Callable[[], None]:
    def apply() -> None:
        import resource

        os.setsid()  # own process group: a timeout kills the kernel too
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    return apply


def run_job(root: Path, level: str, learner: str) -> JobResult:
    """Autograde one learner's level in a child process with the course's limits."""
    limits = grading_limits(root)
    n_notebooks = max(1, len(source_notebooks(root, level)))
    wall = limits.notebook_timeout * n_notebooks + 60  # + nbgrader's own start-up and bookkeeping
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-job-") as tmp:
        result_path = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "course.grading.job", str(root), level, learner, str(result_path)]
        proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                preexec_fn=_limit_resources(limits.memory_bytes))
        try:
            _, stderr = proc.communicate(timeout=wall)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return JobResult(learner, level, False,
                             f"grading ran longer than {wall:.0f} s and was stopped",
                             time.monotonic() - started)
        seconds = time.monotonic() - started
        if not result_path.exists():
            tail = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            return JobResult(learner, level, False, f"the grading process failed: {tail[0]}", seconds)
        payload = json.loads(result_path.read_text())
    if not payload["success"]:
        return JobResult(learner, level, False, _explain_failure(payload), seconds)
    return JobResult(learner, level, True, "", seconds, level_results(root, level, learner))


def grade(root: Path, pairs: list[tuple[str, str]],
          progress: Callable[[JobResult], None] | None = None) -> list[JobResult]:
    """Grade each (learner, level) in turn; a failed job never stops the others."""
    results = []
    for learner, level in pairs:
        log.info("grading %s %s", learner, level)
        result = run_job(root, level, learner)
        results.append(result)
        if progress:
            progress(result)
    return results
