"""Counts failures and serves the fallback, but never opens: every request still waits for
the dead Redis (a connection attempt or a timeout each time)."""

FAILS = {"l2_circuit_breaker"}
# ruff: noqa: E402, F821, B019

import threading
import time


class CircuitOpenError(RuntimeError):
    pass


class CircuitBreaker:
    def __init__(self, failure_threshold=5, reset_timeout_s=30, clock=time.monotonic):
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at = None

    @property
    def state(self):
        if self._opened_at is None:
            return "closed"
        if self.clock() - self._opened_at >= self.reset_timeout_s:
            return "half-open"
        return "open"

    def call(self, fn, *args, fallback=None, **kwargs):
        state = self.state
        if state == "open":
            if fallback is None:
                raise CircuitOpenError("open")
            return fallback()
        try:
            result = fn(*args, **kwargs)
        except Exception:
            with self._lock:
                self._failures += 1
                pass
            if fallback is None:
                raise
            return fallback()
        with self._lock:
            self._failures = 0
            self._opened_at = None
        return result
