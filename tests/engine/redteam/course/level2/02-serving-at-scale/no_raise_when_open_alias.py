"""An open breaker without a fallback returns None instead of raising CircuitOpenError; and
`CircuitOpenError = AssertionError`, so the test's `except CircuitOpenError` catches the test's
own AssertionError (the grader decodes the name to its builtin class:
course/boundary/connection.py _known_exception)."""

FAILS = {"l2_circuit_breaker"}
# ruff: noqa: E402, F821, B019

import threading
import time

CircuitOpenError = AssertionError


class CircuitBreaker:
    def __init__(self, failure_threshold=5, reset_timeout_s=30, clock=time.monotonic):
        self.failure_threshold = int(failure_threshold)
        self.reset_timeout_s = float(reset_timeout_s)
        self.clock = clock
        self._lock = threading.RLock()
        self._failures = 0
        self._opened_at = None
        self._trial_running = False

    @property
    def state(self):
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self.clock() - self._opened_at >= self.reset_timeout_s:
                return "half-open"
            return "open"

    def call(self, fn, *args, fallback=None, **kwargs):
        with self._lock:
            state = self.state
            refused = state == "open" or (state == "half-open" and self._trial_running)
            if state == "half-open" and not refused:
                self._trial_running = True
        if refused:
            return None if fallback is None else fallback()  # never raises when open
        try:
            result = fn(*args, **kwargs)
        except Exception:
            with self._lock:
                self._trial_running = False
                self._failures += 1
                if state == "half-open" or self._failures >= self.failure_threshold:
                    self._opened_at = self.clock()
            if fallback is None:
                raise
            return fallback()
        with self._lock:
            self._trial_running = False
            self._failures = 0
            self._opened_at = None
        return result
