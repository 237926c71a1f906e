"""Collects what close() must undo in __init__: the pool always, the Redis client only when asked to
(close_client=True, a keyword default). It looks the client's close method up without calling it:
correct, since the caller's client stays open; closing is judged by calls, not lookups."""

FAILS = set()
# ruff: noqa: E402, F821, B019

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np


class CachedPredictor:
    def __init__(self, model, redis, model_version="v1", ttl=3600, breaker=None, close_client=False):
        self.model = model
        self.redis = redis
        self.model_version = str(model_version)
        self.ttl = int(ttl)
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0
        self._pool = ThreadPoolExecutor(max_workers=4)
        self._closers = [lambda: self._pool.shutdown(wait=True)]
        client_close = getattr(redis, "close", None)   # redis-py, fakeredis, a pool wrapper...
        if close_client and client_close is not None:
            self._closers.append(client_close)

    def predict(self, features):
        key = cache_key(features, self.model_version)
        raw = self.breaker.call(self.redis.get, key, fallback=lambda: None)
        if raw is not None:
            with self._lock:
                self._hits += 1
            return json.loads(raw)
        value = self.model.predict([features])[0]
        if isinstance(value, np.generic):
            value = value.item()
        self.breaker.call(self.redis.set, key, json.dumps(value), ex=self.ttl,
                          fallback=lambda: None)
        with self._lock:
            self._misses += 1
        return value

    def stats(self):
        with self._lock:
            return {"hits": self._hits, "misses": self._misses}

    def predict_many(self, rows, max_workers=4):
        if self._pool._max_workers != max_workers:
            self._pool.shutdown(wait=True)
            self._pool = ThreadPoolExecutor(max_workers=max_workers)
        return list(self._pool.map(self.predict, rows))

    def close(self):
        for closer in self._closers:
            closer()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
