"""The seed's OptimizedModelServer, adapted to the API as little as possible: the class is
renamed CachedPredictor and takes the model and Redis client as arguments, predict_async becomes
a synchronous predict (model.predict([features])[0], as the API says), predict_many maps predict
over the seed's pool of 4, and the names the API requires but the seed lacks (stats, close, a
limiter that always allows, a "breaker" that just calls through, a level-1 style app without 429)
do the least they can. Its real bugs then show: hash(str(features)) differs per process and
collides for long arrays; setex cannot store a numpy int64 (DataError) and hits return bytes;
lru_cache remembers the first None so Redis never hits; no rate limiting, no circuit breaker, and
the pool is never shut down."""

FAILS = {
    "l2_cache_key",
    "l2_cache_correctness",
    "l2_speedup",
    "l2_rate_limiting",
    "l2_circuit_breaker",
    "l2_resource_management",
}
# ruff: noqa: E402, B019

import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from flask import Flask, jsonify, request


def cache_key(features, model_version):
    return str(hash(str(features)))


class CachedPredictor:
    def __init__(self, model, redis, model_version="v1", ttl=3600, breaker=None):
        self.cache = redis
        self.executor = ThreadPoolExecutor(max_workers=4)
        self.model = model

    @lru_cache(maxsize=1000)
    def get_cached_prediction(self, feature_hash):
        return self.cache.get(feature_hash)

    def predict(self, features):
        # Check cache first
        feature_hash = cache_key(features, None)
        cached_result = self.get_cached_prediction(feature_hash)

        if cached_result:
            return cached_result

        prediction = self.model.predict([features])[0]

        # Cache result
        self.cache.setex(feature_hash, 3600, prediction)

        return prediction

    def predict_many(self, rows, max_workers=4):
        return list(self.executor.map(self.predict, rows))

    def stats(self):
        return {"hits": 0, "misses": 0}

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class CircuitOpenError(RuntimeError):
    pass


class CircuitBreaker:
    def __init__(self, failure_threshold=5, reset_timeout_s=30, clock=time.monotonic):
        self.state = "closed"

    def call(self, fn, *args, fallback=None, **kwargs):
        return fn(*args, **kwargs)


class RateLimiter:
    def __init__(self, redis, limit, window_s):
        self.limit = limit

    def allow(self, client_id):
        return True


def create_app(predictor, limiter):
    app = Flask(__name__)

    @app.route('/predict', methods=['POST'])
    def predict():
        try:
            data = request.get_json()
            return jsonify({'prediction': predictor.predict(data['features'])})
        except Exception as e:
            return jsonify({'error': str(e)}), 400

    return app
