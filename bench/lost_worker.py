"""How long a job whose worker died waits before it runs again: RQ alone, and with our watch.

Two scenarios run side by side, each on its own queue with two `course worker` processes
(heartbeat every --heartbeat seconds) and one trivial job (a --sleep second nap). Once the job
runs, its worker is killed with SIGKILL (the worker, its work horse: a machine gone), and the
bench times, from the kill, when the job starts again on the other worker and when its result
reaches the coordinator:

- RQ alone: a coordinator without its watch. RQ re-runs the job (rq.Retry) once its entry in the
  started registry has expired (the heartbeat interval + 60 s after the last heartbeat) and the
  surviving worker's maintenance (every 60 s in `course worker`) has run the abandoned-job cleanup.
- our watch: the default coordinator (course.grading.backends.rq.queue.WorkerWatch). It notices the worker
  silent after 3 heartbeats + 5 s and hands the job to that same cleanup at once.

The embedded Redis is used. Usage: .venv/bin/python bench/lost_worker.py [--heartbeat 2] [--sleep 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.grading.backends.rq.queue import Coordinator, WorkItem, connect  # noqa: E402
from course.services import redis_url  # noqa: E402

TASK = "tests.rq_tasks.echo"  # a test-only task: the workers run in the repository


@dataclass
class Scenario:
    label: str
    watch: bool
    queue: str = field(default_factory=lambda: f"bench-lost-{uuid.uuid4().hex[:8]}")
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    killed: str = ""
    kill_at: float = 0.0
    rerun_after: float | None = None
    result_after: float | None = None
    attempt: int | None = None
    error: str = ""


def start_workers(url: str, scenario: Scenario, heartbeat: int) -> None:
    for i in range(2):
        name = f"{scenario.queue}-w{i}"
        scenario.workers[name] = subprocess.Popen(
            [sys.executable, "-m", "course", "worker", "--queue-url", url, "--queue",
             scenario.queue, "--heartbeat", str(heartbeat), "--name", name],
            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL the worker and everything under it, as when its machine goes away."""
    try:
        family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    for p in family:
        try:
            p.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    proc.wait(10)


def running_on(coordinator: Coordinator) -> list[str]:
    """The workers running one of the coordinator's jobs now."""
    from rq.executions import Execution

    registry = coordinator.queue.started_job_registry
    names = []
    for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
        name = coordinator.connection.hget(Execution(execution_id, job_id,
                                                     coordinator.connection).key, "worker_name")
        if name:
            names.append(name.decode())
    return names


def run(url: str, scenario: Scenario, heartbeat: int, sleep: float, limit: float) -> None:
    coordinator = Coordinator(connect(url), queue_name=scenario.queue, watch=scenario.watch,
                              sweep_every=0.5)

    def killer() -> None:
        deadline = time.monotonic() + 120
        while not (names := running_on(coordinator)):
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        time.sleep(min(1.0, sleep / 3))
        scenario.killed = names[0]
        kill(scenario.workers[names[0]])
        scenario.kill_at = time.monotonic()
        while time.monotonic() < scenario.kill_at + limit:
            if any(name != scenario.killed for name in running_on(coordinator)):
                scenario.rerun_after = time.monotonic() - scenario.kill_at
                return
            if scenario.result_after is not None:
                return
            time.sleep(0.05)

    def on_result(_item: WorkItem, _output: object, meta: dict) -> None:
        scenario.result_after = time.monotonic() - scenario.kill_at
        scenario.attempt = meta.get("attempt")

    def on_failure(_item: WorkItem, reason: str) -> None:
        scenario.error = reason

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        coordinator.run([WorkItem("job", TASK, {"sleep": sleep, "output": 1}, int(limit) + 600)],
                        on_result, on_failure, deadline=time.monotonic() + limit + 120)
    except TimeoutError as exc:
        scenario.error = str(exc)
    thread.join()


def wait_for_workers(url: str, scenarios: list[Scenario]) -> None:
    from rq import Worker

    conn = connect(url)
    names = {name for s in scenarios for name in s.workers}
    deadline = time.monotonic() + 120
    while not names <= {w.name for w in Worker.all(connection=conn)}:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not start")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--heartbeat", type=int, default=2, help="workers' heartbeat (s)")
    parser.add_argument("--sleep", type=float, default=3.0, help="the job's length (s)")
    parser.add_argument("--limit", type=float, default=300.0, help="give up after (s)")
    args = parser.parse_args()
    url = redis_url()
    scenarios = [Scenario("RQ alone", watch=False), Scenario("our watch", watch=True)]
    for scenario in scenarios:
        start_workers(url, scenario, args.heartbeat)
    try:
        wait_for_workers(url, scenarios)
        threads = [threading.Thread(target=run, args=(url, s, args.heartbeat, args.sleep,
                                                      args.limit)) for s in scenarios]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for scenario in scenarios:
            for proc in scenario.workers.values():
                if proc.poll() is None:
                    kill(proc)
    print(f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}; workers "
          f"heartbeat every {args.heartbeat} s, the job naps {args.sleep:g} s, its worker is "
          "killed (SIGKILL) during the nap")
    print(f"{'':12} {'re-run starts':>15} {'result arrives':>15}  attempt")

    def shown(value: float | None) -> str:
        return f"{value:13.1f} s" if value is not None else f"{'> ' + str(int(args.limit)):>13} s"

    for s in scenarios:
        print(f"{s.label:12} {shown(s.rerun_after):>15} {shown(s.result_after):>15}  "
              f"{s.attempt if s.attempt is not None else '-'}"
              + (f"  ({s.error})" if s.error else ""))
    print("(times from the kill; RQ alone waits for the heartbeat + 60 s expiry of the job's "
          "started-registry entry and a maintenance run of the surviving worker)")


if __name__ == "__main__":
    main()
