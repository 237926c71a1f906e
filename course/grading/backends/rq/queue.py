"""The coordinator side of distributed grading: RQ jobs out, JSON replies back, stale workers noticed.

One `Coordinator.run()` takes work items (a key, an RQ task name, a JSON payload and a time limit),
enqueues one RQ job per item (JSONSerializer: no pickles travel) and follows them until every item
has exactly one outcome:

- a reply with the task's output (pushed by the task to this run's reply list): `on_result`;
- a failure (the RQ failure callback's reply, or RQ's failed-job registry): `on_failure` with the
  reason, after `max_attempts` attempts when the failure says the worker was lost;
- a worker whose heartbeat went stale while it held the item (machine gone, process killed): the
  item is enqueued again as a new attempt. RQ on its own notices such a job only when its
  registry entry expires (the job's timeout plus a minute) or at a maintenance run.

An item that runs twice (a stale worker that was only slow, a late reply) is handed on once: the
first reply wins and later ones are counted in `Stats.duplicates`. Workers skip the jobs of a
coordinator whose key (`alive_key`, refreshed as it works) has expired: a killed `course grade`
leaves no work behind for them, and its rerun enqueues its own jobs.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from rq import Callback, Queue, Worker
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

log = logging.getLogger(__name__)

QUEUE_NAME = "course-grading"
#: Field a `course worker` adds to its RQ worker hash: its heartbeat interval in seconds.
HEARTBEAT_FIELD = "course_heartbeat"
RQ_DEFAULT_HEARTBEAT_S = 30.0
FAILURE_CALLBACK = "course.grading.backends.rq.tasks.report_failure"
#: A coordinator that has not refreshed its key for this long is gone (killed, machine down).
#: It refreshes it at every enqueue, reply and sweep.
ALIVE_TTL_S = 600
#: Failures that mean the worker, not the job, went wrong: the item gets another attempt.
_LOST = ("AbandonedJobError", "Work-horse terminated unexpectedly", "ShutDownImminentException")


@dataclass
class WorkItem:
    key: str
    func: str  # an importable task, e.g. "course.grading.backends.rq.tasks.grade"
    payload: dict
    timeout: int  # seconds RQ lets one attempt run before killing it
    options: dict = field(default_factory=dict)  # further keyword arguments of the task


@dataclass
class Attempt:
    key: str
    number: int
    rq_id: str
    worker: str | None = None


@dataclass
class Stats:
    enqueued: int = 0
    requeued: int = 0
    duplicates: int = 0
    failed: int = 0
    done: int = 0
    lost_workers: set[str] = field(default_factory=set)
    seconds: float = 0.0  # wall clock of run()
    idle_seconds: float = 0.0  # of which waiting for replies with nothing else to do

    @property
    def busy_fraction(self) -> float:
        """Share of the run the coordinator spent working (enqueueing, recording, sweeping)."""
        return 1.0 - self.idle_seconds / self.seconds if self.seconds else 0.0


def connect(url: str) -> Redis:
    """A Redis client for the queue (RQ needs bytes responses)."""
    return Redis.from_url(url, health_check_interval=30, socket_keepalive=True)


def grading_queue(connection: Redis, name: str = QUEUE_NAME) -> Queue:
    return Queue(name, connection=connection, serializer=JSONSerializer)


def _explain(error: str, timeout: int) -> str:
    if "JobTimeoutException" in error:
        return f"grading ran longer than {timeout} s on the worker and was stopped"
    return error.strip().splitlines()[-1] if error.strip() else "the job failed on the worker"


OnResult = Callable[[WorkItem, Any, dict], None]
OnFailure = Callable[[WorkItem, str], None]


class Coordinator:
    """Enqueue work items on RQ and follow them to one outcome each."""

    def __init__(self, connection: Redis, *, queue_name: str = QUEUE_NAME, max_attempts: int = 3,
                 stale_after: float | None = None, sweep_every: float = 1.0,
                 window: int = 200, run_id: str | None = None) -> None:
        self.connection = connection
        self.queue = grading_queue(connection, queue_name)
        self.max_attempts = max_attempts
        self.stale_after = stale_after  # None: 3 heartbeats of the worker + 5 s
        self.sweep_every = sweep_every
        self.window = window  # items enqueued ahead of their outcome (memory, here and in Redis)
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.reply_list = f"course:replies:{self.run_id}"
        #: Exists while this coordinator runs: workers skip jobs of a coordinator that is gone.
        self.alive_key = f"course:coordinator:{self.run_id}"
        self.stats = Stats()
        self._items: dict[str, WorkItem] = {}  # key -> item still waiting for its outcome
        self._attempts: dict[str, Attempt] = {}  # rq id -> attempt still waiting for an outcome
        self._by_key: dict[str, list[str]] = {}  # key -> rq ids of its attempts still waiting
        self._current: dict[str, int] = {}  # key -> latest attempt number
        self._done: set[str] = set()
        self._old_ids: list[str] = []  # attempts that may still sit in the queue, unneeded
        self._beats: dict[str, tuple[bytes, float]] = {}  # worker -> (last heartbeat, seen at)
        self._on_result: OnResult = lambda *_: None
        self._on_failure: OnFailure = lambda *_: None

    # -- enqueueing ---------------------------------------------------------------------------

    def _rq_id(self, key: str, number: int) -> str:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in key)
        return f"course-{self.run_id}-{safe}-a{number}"

    def _enqueue(self, item: WorkItem, number: int, pipeline: Any = None) -> None:
        rq_id = self._rq_id(item.key, number)
        reply = {"list": self.reply_list, "alive": self.alive_key, "key": item.key,
                 "attempt": number}
        self.queue.enqueue_call(
            item.func, kwargs={**item.options, "payload": item.payload, "reply": reply}, job_id=rq_id,
            timeout=item.timeout, result_ttl=600, failure_ttl=24 * 3600,
            description=f"course grading {item.key} (attempt {number})",
            on_failure=Callback(FAILURE_CALLBACK), pipeline=pipeline)
        (pipeline if pipeline is not None else self.connection).set(
            self.alive_key, b"1", ex=ALIVE_TTL_S)
        self._attempts[rq_id] = Attempt(item.key, number, rq_id)
        self._by_key.setdefault(item.key, []).append(rq_id)
        self._current[item.key] = number
        self.stats.enqueued += 1

    def _top_up(self, pending: Iterator[WorkItem]) -> bool:
        """Enqueue items until `window` are outstanding; False once `pending` is exhausted."""
        room = self.window - len(self._items)
        if room <= 0:
            return True
        batch = list(itertools.islice(pending, room))
        with self.connection.pipeline() as pipe:
            for item in batch:
                if item.key in self._items or item.key in self._done:
                    raise ValueError(f"work item {item.key!r} submitted twice")
                self._items[item.key] = item
                self._enqueue(item, 1, pipeline=pipe)
            pipe.execute()
        return len(batch) == room

    # -- outcomes -----------------------------------------------------------------------------

    def _finish(self, key: str, winner: str | None = None) -> WorkItem:
        """`key` has its outcome: forget its attempts; any other still waiting may be cancelled."""
        self._done.add(key)
        self._current.pop(key, None)
        for rq_id in self._by_key.pop(key, []):
            if self._attempts.pop(rq_id, None) is not None and rq_id != winner:
                self._old_ids.append(rq_id)
        return self._items.pop(key)

    def _forget(self, attempt: Attempt) -> None:
        """An attempt that has ended (failed, or given up as stale) while its key goes on."""
        self._attempts.pop(attempt.rq_id, None)
        ids = self._by_key.get(attempt.key, [])
        if attempt.rq_id in ids:
            ids.remove(attempt.rq_id)

    def _fail(self, key: str, reason: str) -> None:
        item = self._finish(key)
        self.stats.failed += 1
        self._on_failure(item, reason)

    def _attempt_ended(self, attempt: Attempt, error: str, worker: str | None = None) -> None:
        """An attempt failed: a lost worker gets the item another attempt, anything else fails it."""
        self._forget(attempt)
        item = self._items[attempt.key]
        reason = _explain(error, item.timeout)
        if not any(mark in error for mark in _LOST):
            self._fail(attempt.key, reason + (f" (worker {worker})" if worker else ""))
        else:
            self._lost(attempt, f"the worker stopped during the job ({reason})")

    def _lost(self, attempt: Attempt, reason: str) -> None:
        self._forget(attempt)
        if attempt.number >= self.max_attempts:
            self._fail(attempt.key, f"{reason}; gave up after {attempt.number} attempt(s)")
            return
        log.warning("%s: %s; enqueueing attempt %d", attempt.key, reason, attempt.number + 1)
        self.stats.requeued += 1
        self._enqueue(self._items[attempt.key], attempt.number + 1)

    def _handle_reply(self, raw: bytes) -> None:
        message = json.loads(raw)
        key, number = message["key"], int(message["attempt"])
        if key in self._done:
            if "output" in message:
                self.stats.duplicates += 1
                log.info("%s attempt %d: already recorded, this reply is ignored", key, number)
            return
        if key not in self._items:
            log.debug("reply for %s, which this run did not submit, ignored", key)
            return
        rq_id = self._rq_id(key, number)
        if message.get("skipped"):  # a worker took this coordinator for gone (it was paused?)
            if number == self._current[key] and rq_id in self._attempts:
                self._lost(self._attempts[rq_id], "a worker found this coordinator silent and "
                                                  "skipped the job")
            return
        if "error" in message:
            if number == self._current[key] and rq_id in self._attempts:
                self._attempt_ended(self._attempts[rq_id], message["error"], message.get("worker"))
            return  # otherwise a newer attempt is already on its way
        item = self._finish(key, winner=rq_id)
        self.stats.done += 1
        self._on_result(item, message["output"], {"worker": message.get("worker"),
                                                  "attempt": number,
                                                  "seconds": message.get("seconds", 0.0)})

    def _drain(self, wait: float) -> int:
        waited = time.monotonic()
        first = self.connection.blpop([self.reply_list], timeout=wait)
        self.stats.idle_seconds += time.monotonic() - waited
        if first is None:
            return 0
        handled = 1
        self._handle_reply(first[1])
        while True:
            batch = self.connection.lpop(self.reply_list, 20)
            if not batch:
                return handled
            for raw in batch:
                self._handle_reply(raw)
            self._keep_alive()  # recording a backlog can take a while
            handled += len(batch)

    # -- watching workers ---------------------------------------------------------------------

    def _worker_silence(self, names: set[str]) -> dict[str, tuple[float | None, float]]:
        """worker name -> (seconds since its heartbeat last changed, None if the worker is gone;
        its heartbeat interval).

        Silence is timed on this machine's clock from when the worker's `last_heartbeat` value
        last changed, so clock differences between machines do not matter.
        """
        prefix = Worker.redis_worker_namespace_prefix
        ordered = sorted(names)
        with self.connection.pipeline() as pipe:
            for name in ordered:
                pipe.hmget(prefix + name, "last_heartbeat", HEARTBEAT_FIELD, "death")
            rows = pipe.execute()
        now = time.monotonic()
        state: dict[str, tuple[float | None, float]] = {}
        for name, (beat, interval, death) in zip(ordered, rows, strict=True):
            seconds = float(interval) if interval else RQ_DEFAULT_HEARTBEAT_S
            if death or not beat:
                state[name] = (None, seconds)
                continue
            seen = self._beats.get(name)
            if seen is None or seen[0] != beat:
                self._beats[name] = seen = (beat, now)
            state[name] = (now - seen[1], seconds)
        return state

    def _sweep(self) -> None:
        """Requeue items whose worker went silent; pick up failures RQ recorded without a reply."""
        started = self.queue.started_job_registry.get_job_ids(cleanup=False)
        mine = [self._attempts[i] for i in set(started) if i in self._attempts]
        if mine:
            with self.connection.pipeline() as pipe:
                for attempt in mine:
                    pipe.hget(Job.key_for(attempt.rq_id), "worker_name")
                for attempt, name in zip(mine, pipe.execute(), strict=True):
                    attempt.worker = name.decode() if name else None
            workers = self._worker_silence({a.worker for a in mine if a.worker})
            for attempt in mine:
                if not attempt.worker or attempt.rq_id not in self._attempts:
                    continue
                silence, interval = workers[attempt.worker]
                limit = self.stale_after if self.stale_after is not None else 3 * interval + 5
                if silence is None or silence > limit:
                    silent = "is gone" if silence is None else f"sent no heartbeat for {silence:.0f} s"
                    self.stats.lost_workers.add(attempt.worker)
                    self._lost(attempt, f"worker {attempt.worker} {silent}")
        failed = self.queue.failed_job_registry.get_job_ids(cleanup=False)
        for rq_id in [i for i in failed if i in self._attempts]:
            attempt = self._attempts[rq_id]
            if attempt.number != self._current.get(attempt.key):
                self._forget(attempt)
                continue
            try:
                result = Job.fetch(rq_id, connection=self.connection,
                                   serializer=JSONSerializer).latest_result()
                error = (result.exc_string if result else "") or ""
            except Exception as exc:  # the job expired or was deleted meanwhile
                error = f"{type(exc).__name__}: {exc}"
            self._attempt_ended(attempt, error)

    # -- the loop -----------------------------------------------------------------------------

    def run(self, items: Iterable[WorkItem], on_result: OnResult, on_failure: OnFailure, *,
            deadline: float | None = None) -> Stats:
        """Enqueue `items` (at most `window` ahead) and block until each has its outcome.

        `items` may be a generator: it is read only as room frees up. `deadline` is a
        time.monotonic() after which a TimeoutError is raised.
        """
        self._on_result, self._on_failure = on_result, on_failure
        started = time.monotonic()
        self._keep_alive()
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

    def _keep_alive(self) -> None:
        self.connection.set(self.alive_key, b"1", ex=ALIVE_TTL_S)

    def _cleanup(self) -> None:
        """Cancel attempts nobody needs any more and drop this run's reply list."""
        for rq_id in self._old_ids:
            try:
                job = Job.fetch(rq_id, connection=self.connection, serializer=JSONSerializer)
                if job.get_status(refresh=False) == JobStatus.QUEUED:
                    job.cancel()
            except Exception:  # already expired, removed or started
                continue
        self.connection.delete(self.reply_list, self.alive_key)
