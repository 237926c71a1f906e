"""One global app with routes at module level, serving a model trained at import time;
create_app only stores the keys and returns it, ignoring its model argument."""

FAILS = {"l1_batch_predictions", "l1_endpoint", "l1_error_responses", "l1_json_response", "l1_model_loading"}
# ruff: noqa: E402, F821 (FAILS comes first; read_rows comes from the notebook)

import hmac
import logging
import time

import numpy as np
from flask import Flask, g, jsonify, request
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from werkzeug.exceptions import HTTPException

_X, _y = load_breast_cancer(return_X_y=True)
MODEL = RandomForestClassifier(n_estimators=20, random_state=0).fit(_X, _y)
app = Flask("serving")
app.config["API_KEYS"] = None
log = logging.getLogger("serving")


@app.before_request
def start_timer():
    g.start = time.perf_counter()


@app.before_request
def check_api_key():
    keys = app.config["API_KEYS"]
    if keys is None or request.endpoint != "predict":
        return None
    presented = request.headers.get("X-API-Key", "").encode("utf-8")
    valid = False
    for key in keys:
        valid |= hmac.compare_digest(presented, key)
    if not valid:
        return jsonify({"error": "missing or invalid API key"}), 401
    return None


@app.after_request
def log_request(response):
    latency_ms = (time.perf_counter() - g.get("start", time.perf_counter())) * 1000
    log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, latency_ms)
    return response


@app.errorhandler(HTTPException)
def http_error(exc):
    return jsonify({"error": exc.description}), exc.code


@app.get("/health")
def health():
    return jsonify({"status": "ok"})


@app.post("/predict")
def predict():
    if not request.is_json:
        return jsonify({"error": "send JSON"}), 400
    try:
        rows, is_batch = read_rows(request.get_json(silent=True))
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 400
    labels = [int(v) for v in MODEL.predict(np.array(rows))]
    confidences = [float(c) for c in MODEL.predict_proba(np.array(rows)).max(axis=1)]
    if is_batch:
        return jsonify({"predictions": labels, "confidences": confidences})
    return jsonify({"prediction": labels[0], "confidence": confidences[0]})


def create_app(model, api_keys=None):
    app.config["API_KEYS"] = None if api_keys is None else [k.encode() for k in api_keys]
    return app
