"""Stores pickle.dumps(value) in Redis and unpickles hits: types and values round-trip, but
anyone who can write to Redis can make the server run code on unpickling. Values must be JSON."""

FAILS = {"l2_cache_correctness"}
# ruff: noqa: E402, F821, B019

import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np


class CachedPredictor:
    def __init__(self, model, redis, model_version="v1", ttl=3600, breaker=None):
        self.model = model
        self.redis = redis
        self.model_version = str(model_version)
        self.ttl = int(ttl)
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0
        self._pool = ThreadPoolExecutor(max_workers=4)

    def predict(self, features):
        key = cache_key(features, self.model_version)
        raw = self.breaker.call(self.redis.get, key, fallback=lambda: None)
        if raw is not None:
            with self._lock:
                self._hits += 1
            return pickle.loads(raw)
        value = self.model.predict([features])[0]
        if isinstance(value, np.generic):
            value = value.item()
        self.breaker.call(self.redis.set, key, pickle.dumps(value), ex=self.ttl,
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
        self._pool.shutdown(wait=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
