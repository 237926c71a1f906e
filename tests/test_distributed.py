"""Distributed grading: RQ workers on the embedded Redis, and the gradebook on a real PostgreSQL.

Workers are real `course worker` processes; the PostgreSQL server is started here from the
Debian package's binaries (tests/postgres.py) and stopped at the end.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import nbformat
import psutil
import pytest

from course.grading.backends.rq.queue import Coordinator, WorkItem, connect
from course.grading.sandbox.host import sandbox_available
from course.services import redis_url
from course.submit import submit

from .conftest import ROOT, run_course
from .postgres import PostgresUnavailable, start_postgres
from .tiny_course import make_tiny_course

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

ECHO = "tests.rq_tasks.echo"  # a test-only task: workers find it on PYTHONPATH
#: The tiny course's learners and their auto-graded score out of 3.
ANSWERS = {
    "good": ("def add(a, b):\n    return a + b", 3.0),
    "half": ("def add(a, b):\n    return a + b if b >= 0 else 0", 1.0),
    "wrong": ("def add(a, b):\n    return a - b", 0.0),
}


# --- servers and workers -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL on a free port, as the postgres user; skipped only where it cannot start."""
    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        pytest.skip(f"needs a PostgreSQL server: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def rq_redis() -> str:
    return redis_url()


class Workers:
    """`course worker` processes on one queue; each is killed (with its children) at the end."""

    def __init__(self, url: str, queue: str) -> None:
        self.url, self.queue = url, queue
        self.procs: list[subprocess.Popen] = []

    def start(self, n: int = 1, heartbeat: int = 1, burst: bool = False,
              course: Path | None = None) -> list[subprocess.Popen]:
        env = dict(os.environ, NO_COLOR="1")
        env.pop("COURSE_DB_URL", None)  # a worker never needs the gradebook
        # the test-only tasks (tests/rq_tasks.py) are importable wherever the worker runs
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        cmd = [sys.executable, "-m", "course", "worker", "--queue-url", self.url,
               "--queue", self.queue, "--heartbeat", str(heartbeat)] + (["--burst"] if burst else [])
        new = [subprocess.Popen(cmd, cwd=course or ROOT, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for _ in range(n)]
        self.procs += new
        return new

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        """SIGKILL a worker and everything it started, as when its machine goes away."""
        try:
            family = psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            family = []
        for p in [psutil.Process(proc.pid), *family] if proc.poll() is None else family:
            try:
                p.send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                pass
        proc.wait(10)

    def stop(self) -> None:
        for proc in self.procs:
            self.kill(proc)
            if proc.stderr:
                proc.stderr.close()


@pytest.fixture
def workers(rq_redis) -> Iterator[Workers]:
    pool = Workers(rq_redis, f"test-{uuid.uuid4().hex[:8]}")
    yield pool
    pool.stop()


def _coordinator(pool: Workers, **kwargs) -> Coordinator:
    return Coordinator(connect(pool.url), queue_name=pool.queue, sweep_every=0.3, **kwargs)


def _collect(coordinator: Coordinator, items, timeout: float = 120):
    results: dict[str, tuple] = {}
    failures: dict[str, str] = {}

    def on_result(item, output, meta):
        assert item.key not in results, f"{item.key} handed on twice"
        results[item.key] = (output, meta)

    def on_failure(item, reason):
        failures[item.key] = reason

    coordinator.run(items, on_result, on_failure, deadline=time.monotonic() + timeout)
    return results, failures


def _wait_running(coordinator: Coordinator, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(coordinator.queue.started_job_registry.get_job_ids(cleanup=False)) < n:
        assert time.monotonic() < deadline, "the workers never started their jobs"
        time.sleep(0.05)


# --- RQ plumbing with trivial jobs -------------------------------------------------------------

def test_two_workers_share_the_jobs_and_every_result_comes_back_once(workers):
    workers.start(2)
    coordinator = _coordinator(workers, window=4)
    items = (WorkItem(f"k{i}", ECHO, {"sleep": 0.3, "output": {"i": i, "text": "é" * i}}, 30)
             for i in range(12))
    results, failures = _collect(coordinator, items)
    assert failures == {}
    assert {k: out for k, (out, _) in results.items()} == {
        f"k{i}": {"i": i, "text": "é" * i} for i in range(12)}
    assert len({meta["worker"] for _, meta in results.values()}) == 2
    assert coordinator.stats.enqueued == 12 and coordinator.stats.duplicates == 0
    assert not coordinator.connection.exists(coordinator.alive_key)


def test_a_job_past_its_timeout_is_reported_with_the_reason(workers):
    from rq import Worker

    workers.start(1)
    coordinator = _coordinator(workers)
    results, failures = _collect(coordinator, [
        WorkItem("slow", ECHO, {"sleep": 30, "output": 1}, 2),
        WorkItem("quick", ECHO, {"output": 2}, 30),
    ])
    assert results["quick"][0] == 2
    assert "ran longer than 2 s" in failures["slow"]
    # RQ retries a job only when its worker was lost: a job's own failure is final at once
    assert coordinator.stats.requeued == 0
    (worker,) = [w for w in Worker.all(connection=coordinator.connection)
                 if workers.queue in w.queue_names()]
    assert worker.failed_job_count == 1


def test_a_killed_worker_job_is_given_to_another_worker(workers):
    first, _second = workers.start(2, heartbeat=1)
    coordinator = _coordinator(workers, stale_after=3)
    items = [WorkItem(f"k{i}", ECHO, {"sleep": 2.5, "output": i}, 60) for i in range(4)]

    def kill_when_busy():
        _wait_running(coordinator, 2)
        time.sleep(0.3)
        workers.kill(first)

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    results, failures = _collect(coordinator, items)
    killer.join()
    assert failures == {}
    assert {k: out for k, (out, _) in results.items()} == {f"k{i}": i for i in range(4)}
    assert coordinator.stats.requeued >= 1 and len(coordinator.stats.lost_workers) == 1
    assert any(meta["attempt"] == 2 for _, meta in results.values())


def test_a_killed_work_horse_is_retried_by_rq_on_the_same_worker(workers):
    (worker,) = workers.start(1, heartbeat=1)
    coordinator = _coordinator(workers)
    item = WorkItem("k", ECHO, {"sleep": 2.5, "output": "done"}, 60)

    def kill_the_horse():
        _wait_running(coordinator, 1)
        time.sleep(0.3)
        for horse in psutil.Process(worker.pid).children():
            horse.send_signal(signal.SIGKILL)  # the job's process only: the worker lives on

    killer = threading.Thread(target=kill_the_horse)
    killer.start()
    results, failures = _collect(coordinator, [item])
    killer.join()
    assert failures == {} and results["k"][0] == "done"
    assert results["k"][1]["attempt"] == 2  # rq.Retry, without the coordinator's watch
    assert coordinator.stats.requeued == 1 and not coordinator.stats.lost_workers


def test_a_job_that_runs_twice_is_counted_once(workers):
    # Workers that heartbeat every 30 s look dead to a coordinator that expects one every 1 s:
    # each job is given to a second worker while the first still runs it, so both answer.
    workers.start(4, heartbeat=30)
    coordinator = _coordinator(workers, stale_after=1, max_attempts=5)
    items = [WorkItem("a", ECHO, {"sleep": 2, "output": "a"}, 60),
             WorkItem("b", ECHO, {"sleep": 7, "output": "b"}, 60)]
    results, failures = _collect(coordinator, items)
    assert failures == {}
    assert {k: out for k, (out, _) in results.items()} == {"a": "a", "b": "b"}
    assert coordinator.stats.requeued >= 2
    assert coordinator.stats.duplicates >= 1  # a's second run answered while b still ran


def test_duplicate_results_are_handed_on_once_without_workers(rq_redis):
    """The idempotent record: a job that answers more than once (it ran twice) is handed on once."""
    from rq.job import Job
    from rq.results import Result
    from rq.serializers import JSONSerializer

    coordinator = Coordinator(connect(rq_redis), queue_name=f"idle-{uuid.uuid4().hex[:8]}")
    coordinator._top_up(iter([WorkItem("x", ECHO, {}, 30)]))
    job = Job.fetch(coordinator._rq_id("x", 1), connection=coordinator.connection,
                    serializer=JSONSerializer)
    coordinator._rerun.add(job.id)  # given up on a silent worker: it may answer twice
    for output in ("first", "second", "first again"):
        Result.create(job, Result.Type.SUCCESSFUL, 60, worker_name="w",
                      return_value={"key": "x", "attempt": 1, "output": output})
    results, failures = _collect(coordinator, iter(()), timeout=10)
    assert results["x"][0] == "first" and failures == {}
    assert results["x"][1]["worker"] == "w"
    assert coordinator.stats.duplicates == 2
    coordinator.queue.empty()


# --- several items per RQ job -------------------------------------------------------------------

def _wait_workers(pool: Workers, n: int, timeout: float = 60) -> None:
    """Until `n` workers listen on the pool's queue (a batch is sized by them)."""
    from rq import Worker

    conn, deadline = connect(pool.url), time.monotonic() + timeout
    while Worker.count(queue=Coordinator(conn, queue_name=pool.queue).queue) < n:
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)


def _no_worker(reason: str) -> str:
    return re.sub(r" \(worker [^)]*\)$", "", reason)


def test_a_batch_gives_each_item_the_outcome_its_own_job_gives(workers):
    workers.start(2)
    _wait_workers(workers, 2)

    def items():
        yield WorkItem("slow", ECHO, {"sleep": 30, "output": "never"}, 2)
        yield WorkItem("bad", ECHO, {"sleep": "not a number", "output": "never"}, 30)
        for i in range(40):
            yield WorkItem(f"k{i}", ECHO, {"output": {"i": i, "text": "é" * i}}, 30)

    single = _coordinator(workers, max_batch=1)
    single_results, single_failures = _collect(single, items())
    batched = _coordinator(workers, batch_seconds=None)  # batches from the first top-up
    results, failures = _collect(batched, items())
    assert single.stats.jobs == single.stats.enqueued == 42
    assert batched.stats.enqueued == 42 and batched.stats.jobs <= 42 // 2
    assert {k: out for k, (out, _) in results.items()} == {
        k: out for k, (out, _) in single_results.items()} == {
        f"k{i}": {"i": i, "text": "é" * i} for i in range(40)}
    # one item's failure fails that item alone, with the reason its own job would give
    assert {k: _no_worker(r) for k, r in failures.items()} == {
        k: _no_worker(r) for k, r in single_failures.items()}
    assert failures["slow"].startswith("grading ran longer than 2 s on the worker")
    assert "could not convert string to float" in failures["bad"]
    assert all(r.endswith(")") and "(worker " in r for r in failures.values())
    for _, meta in results.values():
        assert set(meta) == {"worker", "attempt", "seconds"} and meta["attempt"] == 1
        assert meta["worker"] and meta["seconds"] >= 0
    assert batched.stats.done == 40 and batched.stats.failed == 2
    assert batched.stats.duplicates == batched.stats.requeued == 0


def test_short_items_are_batched_once_they_have_answered_and_long_ones_are_not(workers):
    workers.start(2)
    _wait_workers(workers, 2)
    quick = _coordinator(workers)  # the default: one item per job until one has answered
    results, failures = _collect(quick, (WorkItem(f"q{i}", ECHO, {"output": i}, 30)
                                         for i in range(300)))
    assert failures == {} and len(results) == 300
    assert quick.stats.jobs < 300 // 4  # 8 probes, then batches of up to 32
    assert quick.batch_size(200, 2) == 32
    slow = _coordinator(workers, batch_seconds=0.2)
    results, failures = _collect(slow, (WorkItem(f"s{i}", ECHO, {"sleep": 0.3, "output": i}, 30)
                                        for i in range(12)))
    assert failures == {} and len(results) == 12
    assert slow.stats.jobs == 12 and slow.batch_size(200, 2) == 1


def test_a_killed_worker_batch_is_run_again_whole(workers):
    first, _second = workers.start(2, heartbeat=1)
    _wait_workers(workers, 2)
    coordinator = _coordinator(workers, stale_after=3, batch_seconds=None)
    items = [WorkItem(f"k{i}", ECHO, {"sleep": 0.5, "output": i}, 60) for i in range(16)]

    def kill_when_busy():
        _wait_running(coordinator, 2)
        time.sleep(0.3)
        workers.kill(first)

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    results, failures = _collect(coordinator, items)
    killer.join()
    assert failures == {}
    assert {k: out for k, (out, _) in results.items()} == {f"k{i}": i for i in range(16)}
    assert coordinator.stats.jobs < 16 and len(coordinator.stats.lost_workers) == 1
    again = [k for k, (_, meta) in results.items() if meta["attempt"] == 2]
    assert len(again) >= 2 and coordinator.stats.requeued >= len(again)  # the batch's items
    assert coordinator.stats.done == 16


def test_a_batch_of_a_gone_coordinator_is_skipped_and_taken_up_again(workers):
    coordinator = _coordinator(workers, batch_seconds=None)
    coordinator._top_up(iter([WorkItem(f"k{i}", ECHO, {"output": i}, 60) for i in range(6)]))
    assert coordinator.stats.jobs == 2  # no worker yet: 6 // 2 items per job
    coordinator.connection.delete(coordinator.alive_key)
    (burst,) = workers.start(1, burst=True)
    assert burst.wait(120) == 0
    workers.start(1)
    results, failures = _collect(coordinator, iter(()), timeout=120)
    assert failures == {}
    assert {k: (out, meta["attempt"]) for k, (out, meta) in results.items()} == {
        f"k{i}": (i, 2) for i in range(6)}
    assert coordinator.stats.jobs == 4 and coordinator.stats.requeued == 6


def test_worker_refuses_an_unreachable_redis():
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "course", "worker", "--queue-url",
                           "redis://127.0.0.1:1/0", "--burst"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "cannot reach Redis at redis://127.0.0.1:1/0" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Usage:" in run_course(ROOT, "worker", "--help").stdout


def test_grade_on_rq_says_what_is_missing(tmp_path):
    course = _tiny_cohort(tmp_path / "course", tmp_path / "w", {"good": ANSWERS["good"]})
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_REDIS_URL", "COURSE_QUEUE_URL")}
    for args, needle in ((["--backend", "rq"], "--backend rq needs --queue-url"),
                         (["--backend", "rq", "--redis-url", "redis://127.0.0.1:1/0"],
                          "cannot reach Redis at redis://127.0.0.1:1/0")):
        proc = subprocess.run([sys.executable, "-m", "course", "grade", *args], cwd=course,
                              env=dict(env, COURSE_ROOT=str(course)), capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode != 0 and needle in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


# --- the tiny course ---------------------------------------------------------------------------

def _submit_all(course: Path, work: Path, learners: dict[str, tuple[str, float]]) -> None:
    for learner, (body, _) in learners.items():
        nb = nbformat.read(course / "release" / "level1" / "01-tiny.ipynb", 4)
        nb.cells[1].source = body
        folder = work / learner
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "01-tiny.ipynb")
        submit(course, "level1", learner, folder)


def _tiny_cohort(dest: Path, work: Path, learners: dict[str, tuple[str, float]]) -> Path:
    course = make_tiny_course(dest)
    run_course(course, "init")
    run_course(course, "release", "level1")
    _submit_all(course, work, learners)
    return course


EXPECTED = {learner: score for learner, (_, score) in ANSWERS.items()}


def _totals(scores: dict[str, dict[str, float]]) -> dict[str, float]:
    return {learner: sum(by_id.values()) for learner, by_id in scores.items()}


def _isolation(course: Path, learner: str) -> list[str]:
    """What grading.json says was in force, without the per-job uid."""
    record = json.loads((course / "autograded" / learner / "level1" / "grading.json").read_text())
    return [re.sub(r"uid \d+", "uid", item) for item in record["isolation"]]


def _grade_rq(course: Path, pool: Workers, *args: str, check: bool = True):
    return run_course(course, "grade", "--backend", "rq", "--queue-url", pool.url,
                      "--queue", pool.queue, *args, check=check, timeout=900)


def test_two_rq_workers_give_the_same_gradebook_as_local_grading(workers, tmp_path):
    from rq import Worker

    local = _tiny_cohort(tmp_path / "local", tmp_path / "w1", ANSWERS)
    distributed = _tiny_cohort(tmp_path / "rq", tmp_path / "w2", ANSWERS)
    for course in (local, distributed):  # a broken submission is reported, the others graded
        broken = course / "submitted" / "broken" / "level1"
        broken.mkdir(parents=True)
        (broken / "01-tiny.ipynb").write_text("{ not json")
    local_out = run_course(local, "grade", "--workers", "1", check=False)
    workers.start(2)
    out = _grade_rq(distributed, workers, check=False)
    for proc in (local_out, out):
        assert proc.returncode != 0
        assert "1 of 4 submission(s) could not be graded: broken level1" in proc.stderr
        assert "not valid notebook JSON" in proc.stderr, proc.stderr
    assert "3/3" in out.stdout and "graded" in out.stdout
    assert _scores(distributed) == _scores(local)
    assert _totals(_scores(distributed)) == EXPECTED
    for learner in ANSWERS:  # the coordinator wrote autograded/ from the workers' JSON
        assert (distributed / "autograded" / learner / "level1" / "01-tiny.ipynb").is_file()
        # and the workers ran it in the same sandbox, with the same limits, as local grading
        assert _isolation(distributed, learner) == _isolation(local, learner)
        if sandbox_available():
            assert _isolation(distributed, learner)[0].startswith("bubblewrap")
    conn = connect(workers.url)
    done = [w.successful_job_count for w in Worker.all(connection=conn)
            if workers.queue in w.queue_names()]
    assert sum(done) == len(ANSWERS) + 1 and len(done) == 2


def test_killing_a_worker_mid_job_still_grades_the_whole_cohort(workers, tmp_path):
    course = _tiny_cohort(tmp_path / "course", tmp_path / "w", ANSWERS)
    first, _second = workers.start(2, heartbeat=1)
    env = dict(os.environ, COURSE_ROOT=str(course), NO_COLOR="1", COLUMNS="200")
    grading = subprocess.Popen(
        [sys.executable, "-m", "course", "grade", "--backend", "rq", "--queue-url", workers.url,
         "--queue", workers.queue, "--stale-after", "4"],
        cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        watcher = Coordinator(connect(workers.url), queue_name=workers.queue)
        _wait_running(watcher, 2, timeout=300)
        time.sleep(0.5)
        workers.kill(first)  # the worker, its work horse and the sandbox under it
        out, err = grading.communicate(timeout=900)
    finally:
        if grading.poll() is None:
            grading.kill()
    assert grading.returncode == 0, f"{out}\n{err}"
    assert "enqueueing attempt 2" in err, err  # the coordinator noticed, not RQ's own timeouts
    assert _totals(_scores(course)) == EXPECTED


def _scores(course: Path, db_url: str | None = None) -> dict[str, dict[str, float]]:
    """learner -> criterion -> score, read from the gradebook (PostgreSQL when db_url is set)."""
    from course.grading import level_results

    old = os.environ.get("COURSE_DB_URL")
    if db_url:
        os.environ["COURSE_DB_URL"] = db_url
    try:
        return {learner: {c.id: c.score for c in level_results(course, "level1", learner)}
                for learner in ANSWERS}
    finally:
        if old is None:
            os.environ.pop("COURSE_DB_URL", None)
        else:
            os.environ["COURSE_DB_URL"] = old


def test_postgresql_gradebook_gets_the_same_scores_as_sqlite(postgres, tmp_path):
    sqlite_course = _tiny_cohort(tmp_path / "sqlite", tmp_path / "w1", ANSWERS)
    run_course(sqlite_course, "grade")
    url = postgres.create_database("gradebook_pg_vs_sqlite")
    bare = url.replace("postgresql+psycopg://", "postgresql://")  # what an instructor types
    pg_course = make_tiny_course(tmp_path / "pg")
    env_runs = [("init",), ("release", "level1")]
    for args in env_runs:
        _run_with_db(pg_course, bare, *args)
    _submit_all(pg_course, tmp_path / "w2", ANSWERS)
    out = run_course(pg_course, "grade", "--db-url", bare)
    assert "3/3" in out.stdout
    assert not (pg_course / "gradebook.db").exists(), "grading wrote a SQLite gradebook"
    pg_scores = _scores(pg_course, bare)
    assert _totals(pg_scores) == EXPECTED
    assert pg_scores == _scores(sqlite_course)
    # course feedback reads the same database, from COURSE_DB_URL
    _run_with_db(pg_course, bare, "feedback")
    report = json.loads((pg_course / "feedback" / "good" / "report.json").read_text())
    assert report["levels"]["level1"]["score"] == 3
    # nbgrader's own commands (and formgrader, which reads the same nbgrader_config.py) see it
    nbgrader = Path(sys.executable).parent / "nbgrader"
    listed = subprocess.run([str(nbgrader), "db", "student", "list"], cwd=pg_course,
                            env=dict(os.environ, COURSE_DB_URL=bare), capture_output=True,
                            text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert all(learner in listed.stdout + listed.stderr for learner in ANSWERS)
    # and nbgrader itself finds the alembic version it expects there
    import sqlalchemy

    with sqlalchemy.create_engine(url).connect() as conn:
        version = conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).scalar()
    assert version


def _run_with_db(course: Path, db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, COURSE_ROOT=str(course), COURSE_DB_URL=db_url, NO_COLOR="1",
               COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "course", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"course {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_a_grading_job_executed_twice_is_recorded_once(workers, tmp_path):
    from course.grading.backends.rq.coordinator import grade_rq

    course = _tiny_cohort(tmp_path / "course", tmp_path / "w", ANSWERS)
    # Workers that heartbeat every 30 s look lost to a coordinator expecting one within 1 s, so
    # every job is given to a second worker while the first still runs it: both send results.
    workers.start(4, heartbeat=30)
    coordinator = _coordinator(workers, stale_after=1, max_attempts=5)
    seen = []
    results = grade_rq(course, list((learner, "level1") for learner in ANSWERS), workers.url,
                       seen.append, coordinator=coordinator)
    assert sorted(r.learner for r in seen) == sorted(ANSWERS)  # progress once per learner
    assert {r.learner: r.score for r in results} == EXPECTED
    assert _totals(_scores(course)) == EXPECTED
    assert coordinator.stats.requeued >= len(ANSWERS)


def test_the_gradebook_url_comes_from_env_then_config(tmp_path, monkeypatch):
    from course.config import load_config

    course = make_tiny_course(tmp_path / "course")
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    assert load_config(course).CourseDirectory.db_url == f"sqlite:///{course / 'gradebook.db'}"
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + '\nc.CourseDirectory.db_url = "postgres://g@db/c"\n')
    assert load_config(course).CourseDirectory.db_url == "postgresql+psycopg://g@db/c"
    monkeypatch.setenv("COURSE_DB_URL", "postgresql://other@db:5433/c")
    assert load_config(course).CourseDirectory.db_url == "postgresql+psycopg://other@db:5433/c"


def test_jobs_of_a_gone_coordinator_are_skipped_and_a_paused_one_gets_them_again(workers):
    from rq.job import Job
    from rq.serializers import JSONSerializer

    coordinator = _coordinator(workers)
    items = [WorkItem(f"k{i}", ECHO, {"sleep": 1, "output": i}, 60) for i in range(3)]
    coordinator._top_up(iter(items))  # enqueued, then the coordinator "dies"
    coordinator.connection.delete(coordinator.alive_key)
    (burst,) = workers.start(1, burst=True)
    assert burst.wait(120) == 0
    for i in range(3):
        job = Job.fetch(coordinator._rq_id(f"k{i}", 1), connection=coordinator.connection,
                        serializer=JSONSerializer)
        assert job.return_value()["skipped"] is True  # nothing was executed
    # Had it only been paused, it takes the skipped jobs up again when it resumes.
    workers.start(1)
    results, failures = _collect(coordinator, iter(()), timeout=120)
    assert failures == {}
    assert {k: (out, meta["attempt"]) for k, (out, meta) in results.items()} == {
        f"k{i}": (i, 2) for i in range(3)}
