"""Blind solve b2 (written from release/ only): a window from the client's first call, SET NX PX + INCR
+ PTTL in one MULTI/EXEC, and create_app asking the limiter for Retry-After when it can. Full marks
before and after issue 14; kept so the tests go on accepting this design."""

FAILS = set()
# ruff: noqa: E402, F821, B019

import json
import math

import numpy as np
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException


def _to_python(value):
    """A numpy scalar / 0-d array / array as plain Python (int, float, str, bool, list)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else value.tolist()
    return value


class RateLimiter:
    """At most `limit` calls per client per window of `window_s` seconds, shared through Redis."""

    def __init__(self, redis, limit, window_s, prefix="ratelimit"):
        if int(limit) < 0:
            raise ValueError("limit must not be negative")
        if not window_s or window_s <= 0:
            raise ValueError("window_s must be positive")
        self.redis = redis
        self.limit = int(limit)
        self.window_s = window_s
        self.prefix = prefix
        self._window_ms = max(1, int(math.ceil(window_s * 1000)))

    def _key(self, client_id):
        return f"{self.prefix}:{client_id}"

    def allow(self, client_id):
        """True if this call is within the client's limit; one atomic Redis round trip."""
        key = self._key(client_id)
        # The window starts with the client's first call: the expiry is set only when the key
        # is created (SET NX), so refused retries never push it forward. MULTI/EXEC makes the
        # three commands one atomic round trip.
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(key, 0, px=self._window_ms, nx=True)
        pipe.incr(key)
        pipe.pttl(key)
        _, count, ttl_ms = pipe.execute()
        if ttl_ms is not None and int(ttl_ms) == -1:   # a key without expiry (should not happen)
            self.redis.pexpire(key, self._window_ms)
        return int(count) <= self.limit

    def retry_after(self, client_id):
        """Whole seconds until the client's window ends (at least 1)."""
        try:
            ttl_ms = int(self.redis.pttl(self._key(client_id)))
        except Exception:
            ttl_ms = -2
        if ttl_ms <= 0:
            ttl_ms = self._window_ms
        return max(1, int(math.ceil(ttl_ms / 1000)))


def _retry_after_seconds(limiter, client_id):
    """Seconds a refused client should wait: asked of the limiter when it knows, else its window."""
    getter = getattr(limiter, "retry_after", None)
    if callable(getter):
        try:
            return max(1, int(math.ceil(float(getter(client_id)))))
        except Exception:
            pass
    window = getattr(limiter, "window_s", None)
    try:
        return max(1, int(math.ceil(float(window))))
    except (TypeError, ValueError):
        return 1


def _expected_length(predictor):
    for owner in (getattr(predictor, "model", None), predictor):
        n = getattr(owner, "n_features_in_", None)
        if n is not None:
            try:
                return int(n)
            except (TypeError, ValueError):
                return None
    return None


def _validate(payload, expected):
    """The features list, or an error message for a 400."""
    if not isinstance(payload, dict):
        return None, "the body must be a JSON object"
    if "features" not in payload:
        return None, "missing field 'features'"
    features = payload["features"]
    if not isinstance(features, list):
        return None, "'features' must be a list of numbers"
    if not features:
        return None, "'features' must not be empty"
    for i, value in enumerate(features):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, f"features[{i}] must be a number"
        try:
            finite = math.isfinite(value)
        except OverflowError:
            finite = False
        if not finite:
            return None, f"features[{i}] must be a finite number"
    if expected is not None and len(features) != expected:
        return None, f"'features' must have {expected} values, not {len(features)}"
    return features, None


def create_app(predictor, limiter):
    """A Flask app: POST /predict -> {"prediction": value}, 400 for bad input, 429 when limited."""
    app = Flask(__name__)
    expected = _expected_length(predictor)

    @app.post("/predict")
    def predict():
        client_id = request.headers.get("X-Client-Id") or request.remote_addr or "unknown"
        try:
            allowed = limiter.allow(client_id)
        except Exception:
            app.logger.exception("rate limiter unavailable; admitting the request")
            allowed = True      # fail open: the limiter's store is down, the model is not
        if not allowed:
            seconds = _retry_after_seconds(limiter, client_id)
            response = jsonify({"error": "too many requests", "retry_after": seconds})
            response.status_code = 429
            response.headers["Retry-After"] = str(seconds)
            return response
        payload = request.get_json(force=True, silent=True)
        features, problem = _validate(payload, expected)
        if problem:
            return jsonify({"error": problem}), 400
        prediction = _to_python(predictor.predict(features))
        return jsonify({"prediction": prediction})

    @app.errorhandler(HTTPException)
    def http_error(error):
        response = error.get_response()
        response.data = json.dumps({"error": error.name, "status": error.code})
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def server_error(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unhandled error")
        return jsonify({"error": "internal server error"}), 500

    return app
