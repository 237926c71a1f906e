"""Keeps the hit and miss counters in Redis too (INCR, no expiry), so every server process adds to the
same numbers; stats() reads them back. Correct: the checks look at the predictor's own cache entries,
under cache_key(features, model_version), not at every key in Redis."""

FAILS = set()
# ruff: noqa: E402, F821

import json
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
        self._stats_key = f"stats:{self.model_version}"
        self._pool = None
        self._pool_lock = threading.Lock()

    def _count(self, field):
        self.breaker.call(self.redis.hincrby, self._stats_key, field, 1, fallback=lambda: None)

    def predict(self, features):
        key = cache_key(features, self.model_version)
        raw = self.breaker.call(self.redis.get, key, fallback=lambda: None)
        if raw is not None:
            self._count("hits")
            return json.loads(raw)
        value = self.model.predict([features])[0]
        if isinstance(value, np.generic):
            value = value.item()
        self.breaker.call(self.redis.set, key, json.dumps(value), ex=self.ttl, fallback=lambda: None)
        self._count("misses")
        return value

    def stats(self):
        raw = self.breaker.call(self.redis.hgetall, self._stats_key, fallback=dict)
        counts = {k.decode() if isinstance(k, bytes) else k: int(v) for k, v in raw.items()}
        return {"hits": counts.get("hits", 0), "misses": counts.get("misses", 0)}

    def predict_many(self, rows, max_workers=4):
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=max_workers)
            pool = self._pool
        return list(pool.map(self.predict, rows))

    def close(self):
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False
