"""Answers 429 when the limiter refuses, but without a Retry-After header: clients cannot tell
when to come back, so well-behaved ones guess and badly behaved ones hammer."""

FAILS = {"l2_rate_limiting"}
# ruff: noqa: E402

import math

from flask import Flask, jsonify, request


def create_app(predictor, limiter):
    app = Flask(__name__)

    @app.post("/predict")
    def predict():
        client_id = request.headers.get("X-Client-Id") or request.remote_addr
        if not limiter.allow(client_id):
            return jsonify({"error": "too many requests"}), 429
        payload = request.get_json(silent=True)
        values = payload.get("features") if isinstance(payload, dict) else None
        if (not isinstance(values, list) or not values
                or any(isinstance(v, bool) or not isinstance(v, int | float) for v in values)
                or not all(math.isfinite(v) for v in values)):
            return jsonify({"error": 'send {"features": [numbers]}'}), 400
        return jsonify({"prediction": predictor.predict([float(v) for v in values])})

    return app
