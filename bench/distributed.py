"""Distributed grading throughput: RQ workers on this machine, and the coordinator's own ceiling.

1. A tiny-fixture cohort (tests/tiny_course.py: one notebook, three tests, seconds to grade)
   graded locally, then by `--backend rq` with 1 and with 2 `course worker` processes: wall
   time, jobs per second and a check that every run gives the same scores.
2. The queue's own ceiling: Coordinator.run with the test task tests.rq_tasks.echo on 2 workers
   (nothing prepared, nothing recorded), several items per RQ job (the default) and one job per
   item (max_batch=1) side by side: what RQ, Redis and the workers' work horses cost per item.
3. The coordinator's ceiling: trivial jobs (a worker returns a canned executed notebook at once),
   so the coordinator's own work is what is measured: preparing each job, enqueueing it,
   receiving the reply and recording it in the gradebook. Results recorded per second of the
   coordinator's busy time.
4. From those: how many workers one coordinator can feed, and how long a 10 000-learner ×
   3-level cohort takes on K workers.

The embedded Redis and SQLite are used (add --postgres to measure the ceiling on a throw-away
PostgreSQL too). Figures on a shared 2-core machine are inflated by whatever else runs.
Usage: .venv/bin/python bench/distributed.py [--learners 8] [--transport 2000] [--trivial 200]
       [--postgres] [--course-level level1]   (also the ceiling on a real level, on SQLite and
       PostgreSQL)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.grading.backends.rq.queue import Coordinator, WorkItem, connect  # noqa: E402
from course.services import redis_url  # noqa: E402
from course.submit import submit  # noqa: E402
from tests.conftest import run_course  # noqa: E402
from tests.tiny_course import make_tiny_course  # noqa: E402

ANSWERS = ["def add(a, b):\n    return a + b",
           "def add(a, b):\n    return a + b if b >= 0 else 0",
           "def add(a, b):\n    return a - b"]
COHORT = 10_000 * 3
#: Seconds per (learner, level) of the real course on one core, for the cohort estimate:
#: the level's notebooks executed with their hidden tests (bench/notebook_times.py measures them).
REAL_JOB_SECONDS = (60.0, 180.0)


def tiny_cohort(dest: Path, learners: int) -> Path:
    course = make_tiny_course(dest)
    run_course(course, "init")
    run_course(course, "release", "level1")
    release = course / "release" / "level1" / "01-tiny.ipynb"
    for i in range(learners):
        nb = nbformat.read(release, 4)
        nb.cells[1].source = ANSWERS[i % len(ANSWERS)]
        folder = dest.parent / "work" / f"l{i:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / "01-tiny.ipynb")
        submit(course, "level1", f"l{i:05d}", folder)
    return course


def start_workers(url: str, queue: str, n: int) -> list[subprocess.Popen]:
    cmd = [sys.executable, "-m", "course", "worker", "--queue-url", url, "--queue", queue,
           "--heartbeat", "2"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(n)]
    conn = connect(url)
    from rq import Worker

    deadline = time.monotonic() + 120
    while sum(1 for w in Worker.all(connection=conn) if queue in w.queue_names()) < n:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not start")
        time.sleep(0.1)
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def scores(results) -> dict[str, float]:  # noqa: ANN001 -- JobResults
    return {r.learner: r.score for r in results}


def grade_local(course: Path, pairs: list[tuple[str, str]]) -> tuple[float, dict]:
    from course.grading import grade

    started = time.perf_counter()
    results = grade(course, pairs, workers=1)
    return time.perf_counter() - started, scores(results)


def grade_on_workers(course: Path, pairs, url: str, n_workers: int) -> tuple[float, dict, object]:
    from course.grading.backends.rq.coordinator import grade_rq

    queue = f"bench-{n_workers}-{os.getpid()}"
    procs = start_workers(url, queue, n_workers)
    try:
        coordinator = Coordinator(connect(url), queue_name=queue)
        started = time.perf_counter()
        results = grade_rq(course, pairs, url, coordinator=coordinator)
        seconds = time.perf_counter() - started
    finally:
        stop_workers(procs)
    if any(not r.ok for r in results):
        raise RuntimeError("; ".join(f"{r.learner}: {r.reason}" for r in results if not r.ok))
    return seconds, scores(results), coordinator.stats


@dataclass
class Transport:
    """One Coordinator.run of trivial echo items: what the queue alone sustained."""

    items: int
    jobs: int  # RQ jobs they went in
    wall_s: float
    cpu_s: float  # the coordinator process's CPU

    def line(self, label: str) -> str:
        return (f"   {label}: {self.items / self.wall_s:7.1f} items/s  ({self.items} items in "
                f"{self.jobs} RQ jobs, {self.wall_s:5.1f} s; coordinator CPU "
                f"{1000 * self.cpu_s / self.items:.2f} ms per item)")


def echo_run(coordinator: Coordinator, n_items: int) -> Transport:
    """Coordinator.run of `n_items` echo items; every one must come back with its output."""
    got: dict[str, object] = {}
    failed: dict[str, str] = {}
    items = (WorkItem(f"e{i}", "tests.rq_tasks.echo", {"output": i}, 30) for i in range(n_items))
    cpu, started = time.process_time(), time.perf_counter()
    stats = coordinator.run(items, lambda item, out, _meta: got.__setitem__(item.key, out),
                            lambda item, reason: failed.__setitem__(item.key, reason))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if failed or got != {f"e{i}": i for i in range(n_items)}:
        raise RuntimeError(f"the echo items did not all come back: {failed}")
    return Transport(n_items, stats.jobs, wall, cpu)


def transport_ceiling(url: str, n_items: int, max_batches: tuple[int, ...] = (32, 1)
                      ) -> dict[int, Transport]:
    """`echo_run` on 2 workers, once per `max_batch`: the queue's transport alone (the
    coordinator prepares and records nothing)."""
    queue = f"bench-transport-{os.getpid()}"
    procs = start_workers(url, queue, 2)
    try:
        return {max_batch: echo_run(Coordinator(connect(url), queue_name=queue,
                                                max_batch=max_batch), n_items)
                for max_batch in max_batches}
    finally:
        stop_workers(procs)


def tiny_answer(course: Path, folder: Path) -> None:
    nb = nbformat.read(course / "release" / "level1" / "01-tiny.ipynb", 4)
    nb.cells[1].source = ANSWERS[0]
    nbformat.write(nb, folder / "01-tiny.ipynb")


def reference_answer(course: Path, folder: Path, level: str) -> None:
    from course.samples import learner_notebook

    for release_nb in sorted((course / "release" / level).glob("*.ipynb")):
        nbformat.write(learner_notebook(course / "source" / level / release_nb.name, release_nb),
                       folder / release_nb.name)


def remote_answer(course: Path, level: str, learner: str) -> dict:
    """What a worker answers for (learner, level): the job graded in a scratch course."""
    from course.gradebook import shared_gradebook
    from course.grading.remote.bundle import make_bundle, unpack
    from course.grading.remote.job import remote_job
    from course.grading.remote.run import grade_away

    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        with shared_gradebook(course):
            digest, data = make_bundle(course, level)
            job = remote_job(course, level, learner, digest)
        started = time.perf_counter()
        answer = grade_away(job, unpack(data, Path(tmp) / digest), "best")
        answer["worker_seconds"] = time.perf_counter() - started
        return answer


@dataclass
class Ceiling:
    """One run of grade_rq on trivial jobs: what the coordinator side sustained."""

    jobs: int
    wall_s: float  # grade_rq from its start to the last result recorded
    busy_s: float  # the coordinator thread's own work (not waiting for replies)
    cpu_s: float  # CPU of the coordinator process and of its preparing/recording processes
    processes: int
    canned: dict

    @property
    def rate(self) -> float:
        return self.jobs / self.wall_s

    def line(self, label: str) -> str:
        cpu_ms = 1000 * self.cpu_s / self.jobs
        where = (f"{self.processes} recording processes" if self.processes
                 else "recorded in the coordinator's thread")
        return (f"   {label}: {self.rate:6.1f} results recorded per second ({where}; the "
                f"coordinator thread alone {self.jobs / self.busy_s:.0f}/s; {cpu_ms:.0f} ms of "
                f"coordinator CPU per result = {1000 / cpu_ms:.0f}/s per core)")


def ceiling(course: Path, url: str, n_jobs: int, db_url: str | None = None,
            level: str = "level1", answer=tiny_answer,  # noqa: ANN001
            canned: dict | None = None, processes: int | None = None) -> Ceiling:
    """grade_rq with trivial jobs: the workers (2) return a canned executed level at once
    (`canned`, else the level executed once here in the sandbox); the coordinator prepares,
    enqueues, receives and records each of `n_jobs` learners as in real grading.
    """
    from course.grading.backends.rq.coordinator import grade_rq
    from course.grading.backends.rq.pool import pool_size

    if db_url:
        os.environ["COURSE_DB_URL"] = db_url
        run_course(course, "init")
    folder = course.parent / "work" / f"ceiling-{level}"
    folder.mkdir(parents=True, exist_ok=True)
    answer(course, folder)
    pairs = [(f"c{i:05d}", level) for i in range(n_jobs)]
    for learner, level in pairs:
        if not (course / "submitted" / learner / level).is_dir():
            submit(course, level, learner, folder)
    if canned is None:  # one job graded for real, as a worker grades it
        canned = remote_answer(course, level, pairs[0][0])
    queue = f"bench-ceiling-{os.getpid()}"
    canned_key = f"bench:canned:{os.getpid()}"  # the workers read it: it is not in every job
    connect(url).set(canned_key, json.dumps(canned), ex=3600)
    procs = start_workers(url, queue, 2)
    try:
        coordinator = Coordinator(connect(url), queue_name=queue, window=400)
        cpu = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        results = grade_rq(course, pairs, url, coordinator=coordinator, processes=processes,
                           task="tests.rq_tasks.replay", task_options={"output_key": canned_key})
        wall = time.perf_counter() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool has been reaped
        cpu_s = (time.process_time() - cpu[0] + children.ru_utime - cpu[1].ru_utime
                 + children.ru_stime - cpu[1].ru_stime)
    finally:
        stop_workers(procs)
        os.environ.pop("COURSE_DB_URL", None)
    assert all(r.ok and r.score == results[0].score > 0 for r in results), \
        [r.reason for r in results if not r.ok]
    stats = coordinator.stats
    cpu_s += stats.pool_cpu_seconds  # its processes are the fork server's children, not ours
    return Ceiling(n_jobs, wall, stats.seconds - stats.idle_seconds, cpu_s,
                   pool_size(n_jobs, processes), canned)


def fork_server_cpu() -> float:
    """CPU seconds of this process's multiprocessing fork server (0 if none was started)."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)  # noqa: SLF001
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def real_ceilings(dest: Path, url: str, level: str, n_jobs: int, server,  # noqa: ANN001
                  processes: int | None) -> float:
    """The ceiling on a real course level (its reference solutions, executed once), on SQLite
    and, with a PostgreSQL `server`, on PostgreSQL: the slower rate, which holds for both."""
    from tests.conftest import make_course

    def answer(c: Path, f: Path) -> None:
        reference_answer(c, f, level)

    real = make_course(dest / "course")
    run_course(real, "init")
    lite = ceiling(real, url, n_jobs, level=level, answer=answer, processes=processes)
    print(lite.line(f"real {level}, SQLite    "))
    print(f"   (grading {level} once on a worker took {lite.canned['worker_seconds']:.0f} s, of "
          f"which executing its notebooks in the sandbox {lite.canned['result']['seconds']:.0f} s)")
    if server is None:
        return lite.rate
    pg = ceiling(real, url, n_jobs, server.create_database("bench_real"), level=level,
                 answer=answer, canned=lite.canned, processes=processes)
    print(pg.line(f"real {level}, PostgreSQL"))
    return min(lite.rate, pg.rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=8, help="tiny cohort size")
    parser.add_argument("--transport", type=int, default=2000,
                        help="echo items for the queue's own ceiling (0: skip it)")
    parser.add_argument("--trivial", type=int, default=200, help="trivial jobs for the ceiling")
    parser.add_argument("--postgres", action="store_true", help="also the ceiling on PostgreSQL")
    parser.add_argument("--course-level", metavar="LEVEL",
                        help="also the ceiling on a real course level (its reference solutions)")
    parser.add_argument("--real-jobs", type=int, default=0,
                        help="jobs of the real level's ceiling (default: a quarter of --trivial)")
    parser.add_argument("--processes", type=int, default=None,
                        help="processes preparing and recording jobs (default: one per CPU)")
    args = parser.parse_args()
    url = redis_url()
    print(f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} "
          "(other work on this machine inflates every figure)")
    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        course = tiny_cohort(Path(tmp) / "course", args.learners)
        pairs = [(f"l{i:05d}", "level1") for i in range(args.learners)]
        local_s, local_scores = grade_local(course, pairs)
        print(f"\n1. tiny cohort, {args.learners} learners × 1 notebook")
        print(f"   local, 1 worker      {local_s:7.1f} s  {args.learners / local_s:6.2f} jobs/s")
        per_job = []
        for n in (1, 2):
            seconds, got, stats = grade_on_workers(course, pairs, url, n)
            same = "same scores" if got == local_scores else f"DIFFERENT scores: {got}"
            print(f"   rq, {n} worker(s)      {seconds:7.1f} s  {args.learners / seconds:6.2f} "
                  f"jobs/s  coordinator busy {stats.busy_fraction:4.0%}  ({same})")
            per_job.append(seconds * n / args.learners)
        job_s = statistics.mean(per_job)
        print(f"   one tiny job takes {job_s:.1f} s of a worker")
        if args.transport:
            print(f"\n2. the queue's own ceiling: {args.transport} echo items (nothing prepared "
                  "or recorded), 2 workers")
            runs = transport_ceiling(url, args.transport)
            print(runs[32].line("batched (max_batch=32)"))
            print(runs[1].line("one job per item      "))
            print(f"   batching: {runs[1].wall_s / runs[32].wall_s:.1f}x the items per second")
        from course.grading.backends.rq.pool import start_fork_server

        started = time.perf_counter()
        start_fork_server()  # once per coordinator process: timed apart from the ceilings
        fork_server_s = time.perf_counter() - started
        print("\n3. coordinator ceiling: trivial jobs (a canned executed level), 2 workers")
        lite = ceiling(course, url, args.trivial, processes=args.processes)
        print(lite.line("tiny, SQLite      "))
        rate = lite.rate
        server = None
        if args.postgres:
            from tests.postgres import start_postgres

            server = start_postgres()
        try:
            if server is not None:
                pg = ceiling(course, url, args.trivial, server.create_database("bench"),
                             processes=args.processes)
                print(pg.line("tiny, PostgreSQL  "))
            if args.course_level:
                rate = real_ceilings(Path(tmp) / "real", url, args.course_level,
                                     args.real_jobs or max(20, args.trivial // 4), server,
                                     args.processes)
        finally:
            if server is not None:
                server.stop()
        print(f"   (the fork server the recording processes come from started in {fork_server_s:.1f} s "
              f"and used {fork_server_cpu():.1f} s of CPU, once per coordinator process, not "
              "counted above)")
        source = f"real {args.course_level}" if args.course_level else "tiny fixture"
        print(f"\n4. what one coordinator can feed, at {rate:.1f} results/s ({source} ceiling)")
        print(f"   the tiny job ({job_s:.0f} s of a worker): up to {rate * job_s:6.0f} workers")
        for seconds in REAL_JOB_SECONDS:
            print(f"   a real level of {seconds:3.0f} s (assumed): up to {rate * seconds:6.0f} workers")
        print(f"\n   a 10 000 learner × 3 level cohort ({COHORT} jobs) at "
              f"{REAL_JOB_SECONDS[0]:.0f}-{REAL_JOB_SECONDS[1]:.0f} s per level:")
        floor_h = COHORT / rate / 3600
        for k in (2, 16, 64, 256):
            lo, hi = (max(COHORT * s / k / 3600, floor_h) for s in REAL_JOB_SECONDS)
            print(f"   K = {k:3} workers: {lo:6.1f} to {hi:6.1f} h")
        print(f"   (never under {floor_h:.1f} h, whatever K: the coordinator records "
              f"{rate:.1f} results/s)")

if __name__ == "__main__":
    main()
