"""The coordinator side of distributed grading: RQ jobs out, RQ results back, lost workers noticed.

One `Coordinator.run()` takes work items (a key, an RQ task name, a JSON payload and a time limit),
enqueues them as RQ jobs (JSONSerializer: no pickles travel) and follows them until every item
has exactly one outcome. RQ does the work it was made for:

- result passing: the task returns its output, RQ stores it as the job's result (a Redis stream
  per job) and the coordinator reads those streams, all of its jobs in one blocking XREAD, as
  `rq.results.Result`s: a successful result is `on_result`, a failed one `on_failure`;
- retries: each job is enqueued with `rq.Retry(max=max_attempts - 1)`; RQ re-runs it when its work
  horse died (the worker saw it) or when it was abandoned (`StartedJobRegistry.cleanup()`: its
  worker died with it). `retry_lost_workers_only`, the jobs' failure callback, makes every other
  failure (an exception, RQ's timeout) final, as a re-run would fail the same way;
- abandoned jobs: RQ's own cleanup fails or retries them, and records the outcome.

Batches: an RQ job costs the coordinator an enqueue and a result read, and the worker a forked
work horse and a dozen Redis round trips, some milliseconds in all: nothing beside a real grading
job, but the whole cost of a trivial one. When many short items wait, several go into one RQ job
(`tasks.run_batch`, which runs each item's task in turn and returns one outcome per item: its
output, or its own exception as text, so one item's failure fails that item alone; each item keeps
its own time limit, the batch's RQ timeout is their sum). Until an item has answered, items go
one per job, and only enough of them to keep every worker busy (2 per worker listening on the
queue, at least PROBE_ITEMS): they may be real grading jobs, a minute or more each. From then on a
batch holds at most `max_batch` items, at most (items outstanding) / (2 × workers listening) so
that every worker has two batches to take, and about `batch_seconds` of work at the items' mean
duration: real grading jobs still go one per job, trivial ones 32 to a job. A batch is one RQ job
throughout: RQ retries it whole (a lost batch re-runs its items), its result hands each item its
outcome, and `Stats` counts items (`Stats.jobs` counts RQ jobs). `max_batch=1` is one job per item.

What RQ lacks stays here, behind `WorkerWatch`: RQ notices a job whose worker died only when the
job's entry in the started registry expires (the worker's heartbeat interval plus 60 s after its
last heartbeat) and some live worker's maintenance (every `maintenance_interval`) runs the cleanup;
until then the job looks as if it still ran. The watch times each busy worker's heartbeat on this
machine's clock and hands a job whose worker fell silent (3 heartbeats + 5 s) to that same RQ
cleanup at once. bench/lost_worker.py measures both.

A job that runs twice (a silent worker that was only slow) is handed on once: the first result
wins and later ones are counted in `Stats.duplicates`. Workers skip the jobs of a coordinator whose
key (`alive_key`, refreshed as it works) has expired: a killed `course grade` leaves no work behind
for them, and its rerun enqueues its own jobs; a coordinator that was only paused enqueues a new
attempt of each job skipped so.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from rq import Callback, Queue, Retry, Worker
from rq.exceptions import AbandonedJobError, ShutDownImminentException
from rq.executions import Execution
from rq.job import Job
from rq.registry import StartedJobRegistry
from rq.results import Result
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty

log = logging.getLogger(__name__)

QUEUE_NAME = "course-grading"
#: Field a `course worker` adds to its RQ worker hash: its heartbeat interval in seconds.
HEARTBEAT_FIELD = "course_heartbeat"
RQ_DEFAULT_HEARTBEAT_S = 30.0
FAILURE_CALLBACK = "course.grading.backends.rq.queue.retry_lost_workers_only"
#: The task of an RQ job that carries several items (course.grading.backends.rq.tasks.run_batch).
BATCH_TASK = "course.grading.backends.rq.tasks.run_batch"
#: At most this many items in one RQ job.
MAX_BATCH = 32
#: About this many seconds of a worker's time in one batch, at the items' mean duration.
BATCH_SECONDS = 1.0
#: Until an item has answered, at most this many items (or 2 per worker) are outstanding.
PROBE_ITEMS = 8
#: A coordinator that has not refreshed its key for this long is gone (killed, machine down).
#: It refreshes it as it enqueues, receives results and sweeps, at most every KEEP_ALIVE_S.
ALIVE_TTL_S = 600
KEEP_ALIVE_S = 1.0
#: How long RQ keeps a job's result (the coordinator reads it within seconds).
RESULT_TTL_S = 600
#: Failures that mean the worker, not the job, went wrong (RQ retries those).
_LOST = ("AbandonedJobError", "Work-horse terminated unexpectedly", "ShutDownImminentException")
_STREAM_PREFIX = Result.get_key("")


@dataclass
class WorkItem:
    key: str
    func: str  # an importable task, e.g. "course.grading.backends.rq.tasks.grade"
    payload: dict
    timeout: int  # seconds RQ lets one attempt run before killing it
    options: dict = field(default_factory=dict)  # further keyword arguments of the task


@dataclass
class Attempt:
    """One RQ job: attempt `number` of its items (one, or a batch) and RQ's retries of it."""
    keys: tuple[str, ...]
    number: int
    rq_id: str
    batch: bool = False  # the job runs tasks.run_batch: one outcome per item in its result

    @property
    def label(self) -> str:
        """The items, for a log line."""
        if len(self.keys) <= 3:
            return ", ".join(self.keys)
        return f"{', '.join(self.keys[:3])} and {len(self.keys) - 3} more"


@dataclass
class Stats:
    """What a run did. Counts are of items (an item's attempt), except `jobs`."""

    enqueued: int = 0  # item attempts enqueued (RQ's own retries of a job are not counted)
    jobs: int = 0  # RQ jobs those went in (a batch is one)
    requeued: int = 0  # attempts given to another worker: a lost worker's, or a skipped job's
    duplicates: int = 0
    failed: int = 0
    done: int = 0
    lost_workers: set[str] = field(default_factory=set)
    seconds: float = 0.0  # wall clock of run()
    idle_seconds: float = 0.0  # of which waiting for results with nothing else to do
    pool_cpu_seconds: float = 0.0  # CPU of the processes reading and writing jobs (grade_rq's)

    @property
    def busy_fraction(self) -> float:
        """Share of the run the coordinator spent working (enqueueing, recording, sweeping)."""
        return 1.0 - self.idle_seconds / self.seconds if self.seconds else 0.0


def connect(url: str) -> Redis:
    """A Redis client for the queue (RQ needs bytes responses)."""
    return Redis.from_url(url, health_check_interval=30, socket_keepalive=True)


def grading_queue(connection: Redis, name: str = QUEUE_NAME) -> Queue:
    return Queue(name, connection=connection, serializer=JSONSerializer)


def retry_lost_workers_only(job: Job, connection: Redis, exc_type: Any, exc_value: Any,
                            _tb: Any) -> None:
    """RQ failure callback of every grading job: only a lost worker's job is retried.

    RQ calls it with the failing job before it decides on a retry (in the work horse for an
    exception or a timeout, in `StartedJobRegistry.cleanup()` for an abandoned job). A job that
    failed on its own (an exception, RQ's timeout) fails the same way on any worker, so it gets no
    further attempt: its failure is recorded at once.
    """
    if exc_type not in (AbandonedJobError, ShutDownImminentException):
        job.retries_left = 0


def _explain(error: str, timeout: int) -> str:
    if "JobTimeoutException" in error:
        return f"grading ran longer than {timeout} s on the worker and was stopped"
    return error.strip().splitlines()[-1] if error.strip() else "the job failed on the worker"


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _chunks(items: list[WorkItem], size: int) -> Iterator[list[WorkItem]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


OnResult = Callable[[WorkItem, Any, dict], None]
OnFailure = Callable[[WorkItem, str], None]
_FAILURE_CALLBACK = Callback(FAILURE_CALLBACK)


class WorkerWatch:
    """Which busy workers of a queue have gone silent: what RQ lacks to notice a lost worker fast.

    A worker's silence is timed on this machine's clock from when the `last_heartbeat` value of
    its RQ worker hash last changed, so clock differences between machines do not matter. A
    `course worker` publishes its heartbeat interval (HEARTBEAT_FIELD); a worker is silent after
    `stale_after` seconds, by default 3 of its heartbeats + 5 s.
    """

    def __init__(self, connection: Redis, stale_after: float | None = None) -> None:
        self.connection = connection
        self.stale_after = stale_after
        self._beats: dict[str, tuple[bytes, float]] = {}  # worker -> (last heartbeat, seen at)

    def silent(self, names: set[str]) -> dict[str, str]:
        """Of the workers `names`, those that are gone or silent, each with a reason."""
        prefix = Worker.redis_worker_namespace_prefix
        ordered = sorted(names)
        with self.connection.pipeline() as pipe:
            for name in ordered:
                pipe.hmget(prefix + name, "last_heartbeat", HEARTBEAT_FIELD, "death")
            rows = pipe.execute()
        now = time.monotonic()
        silent: dict[str, str] = {}
        for name, (beat, interval, death) in zip(ordered, rows, strict=True):
            if death or not beat:
                silent[name] = "is gone"
                continue
            seen = self._beats.get(name)
            if seen is None or seen[0] != beat:
                self._beats[name] = seen = (beat, now)
            seconds = float(interval) if interval else RQ_DEFAULT_HEARTBEAT_S
            limit = self.stale_after if self.stale_after is not None else 3 * seconds + 5
            if now - seen[1] > limit:
                silent[name] = f"sent no heartbeat for {now - seen[1]:.0f} s"
        return silent


class Coordinator:
    """Enqueue work items on RQ and follow them to one outcome each."""

    def __init__(self, connection: Redis, *, queue_name: str = QUEUE_NAME, max_attempts: int = 3,
                 stale_after: float | None = None, sweep_every: float = 1.0,
                 window: int = 200, run_id: str | None = None, watch: bool = True,
                 max_batch: int = MAX_BATCH, batch_seconds: float | None = BATCH_SECONDS) -> None:
        self.connection = connection
        self.queue = grading_queue(connection, queue_name)
        self.max_attempts = max(1, max_attempts)
        self.watch = WorkerWatch(connection, stale_after) if watch else None
        self.sweep_every = sweep_every
        self.window = window  # items enqueued ahead of their outcome (memory, here and in Redis)
        #: At most this many items per RQ job (1: one job per item).
        self.max_batch = max(1, max_batch)
        #: A batch holds about this many seconds of work at the items' mean duration; until an
        #: item has answered, one item per job (_top_up). None: sized by the items outstanding
        #: alone, from the first top-up.
        self.batch_seconds = batch_seconds
        self.run_id = run_id or uuid.uuid4().hex[:12]
        #: Exists while this coordinator runs: workers skip jobs of a coordinator that is gone.
        self.alive_key = f"course:coordinator:{self.run_id}"
        self.stats = Stats()
        self._items: dict[str, WorkItem] = {}  # key -> item still waiting for its outcome
        self._attempts: dict[str, Attempt] = {}  # rq id -> a job with items still waiting
        self._done: set[str] = set()
        #: result stream -> last entry read from it: the jobs whose results are awaited, and
        #: those of finished items that may run twice (given up on a silent worker).
        self._streams: dict[str, str] = {}
        self._rerun: set[str] = set()  # jobs given up on a silent worker: they may run twice
        self._batches = itertools.count(1)
        self._item_seconds: float | None = None  # mean seconds of an item's task (moving)
        self._alive_at = float("-inf")  # time.monotonic() of the alive key's last refresh
        self._on_result: OnResult = lambda *_: None
        self._on_failure: OnFailure = lambda *_: None

    # -- enqueueing ---------------------------------------------------------------------------

    def _rq_id(self, key: str, number: int) -> str:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in key)
        return f"course-{self.run_id}-{safe}-a{number}"

    def _enqueue(self, items: list[WorkItem], number: int, pipeline: Any = None) -> None:
        """Attempt `number` of `items` as one RQ job (a batch when there are several)."""
        retries = self.max_attempts - number
        reply = {"alive": self.alive_key, "attempt": number, "retries": retries}
        if len(items) == 1:
            (item,) = items
            rq_id = self._rq_id(item.key, number)
            func, kwargs, timeout = item.func, {**item.options, "payload": item.payload}, item.timeout
            description = f"course grading {item.key} (attempt {number})"
            reply["key"] = item.key
        else:
            rq_id = f"course-{self.run_id}-batch{next(self._batches)}-a{number}"
            func, timeout = BATCH_TASK, sum(item.timeout for item in items)
            kwargs = {"items": [{"key": item.key, "func": item.func, "payload": item.payload,
                                 "options": item.options, "timeout": item.timeout}
                                for item in items]}
            description = f"course grading {len(items)} items (attempt {number})"
            reply["key"] = rq_id
        self.queue.enqueue_call(
            func, kwargs={**kwargs, "reply": reply}, job_id=rq_id, timeout=timeout,
            result_ttl=RESULT_TTL_S, failure_ttl=24 * 3600, description=description,
            retry=Retry(max=retries) if retries > 0 else None,
            on_failure=_FAILURE_CALLBACK, pipeline=pipeline)
        if pipeline is None:
            self._keep_alive(force=True)
        self._attempts[rq_id] = Attempt(tuple(item.key for item in items), number, rq_id,
                                        batch=len(items) > 1)
        self._streams[_STREAM_PREFIX + rq_id] = "0-0"
        self.stats.enqueued += len(items)
        self.stats.jobs += 1

    def batch_size(self, outstanding: int, workers: int) -> int:
        """Items per RQ job when `outstanding` items await their outcome on `workers` workers."""
        size = min(self.max_batch, outstanding // (2 * max(1, workers)))
        if self.batch_seconds is not None and self._item_seconds is not None:
            size = min(size, int(self.batch_seconds / max(self._item_seconds, 1e-4)))
        return max(1, size)

    def _top_up(self, pending: Iterator[WorkItem]) -> bool:
        """Enqueue items until `window` are outstanding; False once `pending` is exhausted.

        With batches of `size`, only whole batches are taken while `pending` lasts: the rest of
        the room waits for the next top-up (the workers have the outstanding items meanwhile).
        Until an item has answered (its duration unknown), items go one per job and only enough
        of them to keep every worker busy: they may be real grading jobs, a minute or more each.
        """
        room = self.window - len(self._items)
        if room <= 0:
            return True
        size, workers = 1, 1
        if self.max_batch > 1:
            workers = Worker.count(queue=self.queue)  # once per top-up
            if self.batch_seconds is not None and self._item_seconds is None:
                room = min(room, max(2 * workers, PROBE_ITEMS) - len(self._items))
            else:
                size = self.batch_size(len(self._items) + room, workers)
        wanted = room - room % size
        if wanted <= 0:
            return True
        new = list(itertools.islice(pending, wanted))
        if size > 1 and len(new) < wanted:  # the last items: sized by what is outstanding
            size = self.batch_size(len(self._items) + len(new), workers)
        for item in new:
            if item.key in self._items or item.key in self._done:
                raise ValueError(f"work item {item.key!r} submitted twice")
            self._items[item.key] = item
        with self.connection.pipeline() as pipe:
            for batch in _chunks(new, size):
                self._enqueue(batch, 1, pipeline=pipe)
            pipe.set(self.alive_key, b"1", ex=ALIVE_TTL_S)
            pipe.execute()
        self._alive_at = time.monotonic()
        return len(new) == wanted

    # -- outcomes -----------------------------------------------------------------------------

    def _close(self, attempt: Attempt) -> list[WorkItem]:
        """`attempt`'s job is over: its items still waiting (stop reading its results, unless it
        may run twice)."""
        self._attempts.pop(attempt.rq_id, None)
        if attempt.rq_id not in self._rerun:
            self._streams.pop(_STREAM_PREFIX + attempt.rq_id, None)
        return [self._items[key] for key in attempt.keys if key in self._items]

    def _settle(self, item: WorkItem) -> None:
        self._done.add(item.key)
        self._items.pop(item.key, None)

    def _handle_result(self, rq_id: str, result: Result) -> None:
        attempt = self._attempts.get(rq_id)
        value = result.return_value if isinstance(result.return_value, dict) else {}
        if attempt is None:  # the items have their outcome: a job that ran twice answers again
            if result.type == Result.Type.SUCCESSFUL and not value.get("skipped"):
                outcomes = value.get("outcomes")
                self.stats.duplicates += sum(1 for o in outcomes if "output" in o) \
                    if isinstance(outcomes, list) else 1
                log.info("%s: already recorded, this result is ignored", rq_id)
            return
        if result.type == Result.Type.SUCCESSFUL and value.get("skipped"):
            # a worker took this coordinator for gone (it was paused?): a new job, a new attempt
            items = self._close(attempt)
            number = int(value.get("attempt", attempt.number)) + 1
            self._lost(items, number, "a worker found this coordinator silent and skipped the job")
            return
        if result.type == Result.Type.SUCCESSFUL:
            number = int(value.get("attempt", attempt.number))
            items = self._close(attempt)
            if number > attempt.number and rq_id not in self._rerun:
                # RQ re-ran it on its own (its work horse died, or a worker's maintenance found it
                # abandoned): counted as the watch counts the jobs it hands back
                self.stats.requeued += (number - attempt.number) * len(items)
            if attempt.batch:
                outcomes = value.get("outcomes")
                by_key = {o.get("key"): o for o in outcomes if isinstance(o, dict)} \
                    if isinstance(outcomes, list) else {}
            else:  # the task's own result: its output, if any
                by_key = {key: {name: value[name] for name in ("output", "seconds") if name in value}
                          for key in attempt.keys}
            for item in items:
                self._item_outcome(item, by_key.get(item.key, {}), number, result.worker_name)
            return
        error = result.exc_string or ""
        items = self._close(attempt)
        timeout = sum(item.timeout for item in items)
        reason = _explain(error, timeout) if result.type == Result.Type.FAILED else \
            f"RQ ended the job as {result.type.name.lower()}"
        if any(mark in error for mark in _LOST):
            reason = (f"the worker stopped during the job ({reason}); gave up after "
                      f"{self.max_attempts} attempt(s)")
        elif result.worker_name:
            reason += f" (worker {result.worker_name})"
        for item in items:
            self._fail(item, reason)

    def _item_outcome(self, item: WorkItem, outcome: dict, number: int,
                      worker: str | None) -> None:
        """Hand one item's outcome on: its output, or its own failure."""
        if "output" in outcome:
            seconds = outcome.get("seconds", 0.0)
            took = float(seconds or 0.0)
            self._item_seconds = (took if self._item_seconds is None
                                  else 0.8 * self._item_seconds + 0.2 * took)
            self._settle(item)
            self.stats.done += 1
            self._on_result(item, outcome["output"], {"worker": worker or None,
                                                      "attempt": number, "seconds": seconds})
            return
        if "error" in outcome:
            reason = _explain(str(outcome["error"]), item.timeout)
            self._fail(item, f"{reason} (worker {worker})" if worker else reason)
            return
        self._fail(item, "the worker returned no output")

    def _fail(self, item: WorkItem, reason: str) -> None:
        self._settle(item)
        self.stats.failed += 1
        self._on_failure(item, reason)

    def _lost(self, items: list[WorkItem], number: int, reason: str) -> None:
        """Enqueue attempt `number` of `items` as a new job (RQ retries a job, not a skipped one)."""
        if not items:
            return
        if number > self.max_attempts:
            for item in items:
                self._fail(item, f"{reason}; gave up after {number - 1} attempt(s)")
            return
        label = Attempt(tuple(item.key for item in items), number, "").label
        log.warning("%s: %s; enqueueing attempt %d", label, reason, number)
        self.stats.requeued += len(items)
        self._enqueue(items, number)

    def _drain(self, wait: float) -> int:
        """Read new results of this run's jobs (waiting up to `wait` s for the first); how many."""
        if not self._streams:
            time.sleep(wait)
            self.stats.idle_seconds += wait
            return 0
        waited = time.monotonic()
        response = self.connection.xread(self._streams, block=max(1, int(wait * 1000)))
        handled = 0
        if not response:
            self.stats.idle_seconds += time.monotonic() - waited
            return 0
        prefix = len(_STREAM_PREFIX)
        for stream, entries in response:
            stream = _text(stream)
            rq_id = stream[prefix:]
            for entry_id, fields in entries:
                entry_id = _text(entry_id)
                if stream in self._streams:
                    self._streams[stream] = entry_id
                result = Result.restore(rq_id, entry_id, fields, connection=self.connection,
                                        serializer=JSONSerializer)
                self._handle_result(rq_id, result)
                handled += 1
                self._keep_alive()  # recording a backlog can take a while
        return handled

    # -- watching workers ---------------------------------------------------------------------

    def _sweep(self) -> None:
        """Hand the jobs of silent workers to RQ's abandoned-job cleanup, which retries them."""
        # A thread's timer, not SIGALRM, bounds the failure callback RQ runs in the cleanup below:
        # the coordinator may run in any thread, and SIGALRM is its caller's (pytest-timeout).
        registry = StartedJobRegistry(queue=self.queue, serializer=JSONSerializer,
                                      death_penalty_class=TimerDeathPenalty)
        mine = [(job_id, execution_id) for job_id, execution_id
                in registry.get_job_and_execution_ids(cleanup=False) if job_id in self._attempts]
        if not mine or self.watch is None:
            return
        with self.connection.pipeline() as pipe:
            for job_id, execution_id in mine:
                pipe.hget(Execution(execution_id, job_id, self.connection).key, "worker_name")
            workers = [_text(name) for name in pipe.execute()]
        silent = self.watch.silent({name for name in workers if name})
        abandoned = [(job_id, execution_id, name) for (job_id, execution_id), name
                     in zip(mine, workers, strict=True) if name in silent]
        if not abandoned:
            return
        with self.connection.pipeline() as pipe:
            for job_id, execution_id, _name in abandoned:
                # expired now: RQ's cleanup treats it as it would after its heartbeat's TTL
                pipe.zadd(registry.key, {f"{job_id}:{execution_id}": 0}, xx=True)
                pipe.hget(Job.key_for(job_id), "retries_left")
            left = pipe.execute()[1::2]
        for (job_id, _execution, name), retries_left in zip(abandoned, left, strict=True):
            attempt = self._attempts[job_id]
            self.stats.lost_workers.add(name)
            self._rerun.add(job_id)
            retries = int(retries_left or 0)
            if retries:
                number = self.max_attempts - retries + 1  # this job ran attempt max - retries
                self.stats.requeued += len(attempt.keys)
                log.warning("%s: worker %s %s; enqueueing attempt %d", attempt.label, name,
                            silent[name], number)
        registry.cleanup()

    # -- the loop -----------------------------------------------------------------------------

    def run(self, items: Iterable[WorkItem], on_result: OnResult, on_failure: OnFailure, *,
            deadline: float | None = None) -> Stats:
        """Enqueue `items` (at most `window` ahead) and block until each has its outcome.

        `items` may be a generator: it is read only as room frees up. `deadline` is a
        time.monotonic() after which a TimeoutError is raised.
        """
        self._on_result, self._on_failure = on_result, on_failure
        started = time.monotonic()
        self._keep_alive(force=True)
        pending = iter(items)
        more = self._top_up(pending)
        last_sweep = time.monotonic()
        while more or self._items:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"{len(self._items)} item(s) still had no outcome")
            self._drain(0.2)
            if time.monotonic() - last_sweep >= self.sweep_every:
                self._keep_alive()
                self._sweep()
                last_sweep = time.monotonic()
            if more:
                more = self._top_up(pending)
        self._cleanup()
        self.stats.seconds = time.monotonic() - started
        return self.stats

    def _keep_alive(self, force: bool = False) -> None:
        """Refresh the alive key (a Redis round trip), at most every KEEP_ALIVE_S unless `force`."""
        now = time.monotonic()
        if force or now - self._alive_at >= KEEP_ALIVE_S:
            self.connection.set(self.alive_key, b"1", ex=ALIVE_TTL_S)
            self._alive_at = now

    def _cleanup(self) -> None:
        """Take out of the queue the retries nobody needs any more; drop the alive key."""
        with self.connection.pipeline() as pipe:
            for rq_id in sorted(self._rerun):  # RQ re-enqueued it, and its first run answered
                self.queue.remove(rq_id, pipeline=pipe)
            pipe.delete(self.alive_key)
            pipe.execute()
