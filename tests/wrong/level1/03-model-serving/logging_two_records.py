"""Logs a line when a request starts and another when it ends: two INFO records per request."""

FAILS = {"l1_request_logging"}
# ruff: noqa: E402, F821 (FAILS comes first; read_rows comes from the notebook)

import hmac
import logging
import time

import numpy as np
from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException


def create_app(model, api_keys=None):
    log = logging.getLogger("serving")
    keys = None if api_keys is None else tuple(k.encode("utf-8") for k in api_keys)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024

    def error(status, message):
        return jsonify({"error": message}), status

    def plain(value):
        return value.item() if isinstance(value, np.generic) else value

    @app.before_request
    def start_timer():
        g.start = time.perf_counter()
        log.info("started %s %s", request.method, request.path)

    @app.before_request
    def check_api_key():
        if keys is None or request.endpoint != "predict":
            return None
        presented = request.headers.get("X-API-Key", "").encode("utf-8")
        valid = False
        for key in keys:
            valid |= hmac.compare_digest(presented, key)
        if not valid:
            return error(401, "missing or invalid API key")
        return None

    @app.after_request
    def log_request(response):
        latency_ms = (time.perf_counter() - g.get("start", time.perf_counter())) * 1000
        log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, latency_ms)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return error(exc.code, exc.description)

    @app.errorhandler(Exception)
    def server_error(exc):
        log.exception("unhandled error")
        return error(500, "internal server error")

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.post("/predict")
    def predict():
        if not request.is_json:
            return error(400, "send a JSON body with Content-Type: application/json")
        payload = request.get_json(silent=True)
        try:
            rows, is_batch = read_rows(payload)
        except ValueError as exc:
            return error(400, str(exc))
        try:
            labels = model.predict(np.array(rows))
            confidences = model.predict_proba(np.array(rows)).max(axis=1)
        except Exception:
            log.exception("the model failed")
            return error(500, "the model could not make a prediction")
        labels = [plain(label) for label in labels]
        confidences = [float(c) for c in confidences]
        if is_batch:
            return jsonify({"predictions": labels, "confidences": confidences})
        return jsonify({"prediction": labels[0], "confidence": confidences[0]})

    return app
