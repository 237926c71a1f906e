"""Not a mistake: the key check lives in a small module of the learner's own (written to disk and
imported, as `%%writefile auth.py` + `import auth` would do), which calls hmac.compare_digest.
Keeps every criterion: the constant-time check watches the calls the app makes, wherever the
code that makes them lives."""

FAILS = set()
# ruff: noqa: E402, F821 (FAILS comes first; read_rows comes from the notebook)

import importlib
import logging
import os
import sys
import tempfile
import time

import numpy as np
from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

_AUTH_SOURCE = '''"""API keys: stored as bytes, compared in constant time."""
import hmac


class KeyRing:
    def __init__(self, keys):
        self._keys = tuple(k.encode("utf-8") for k in keys)

    def allows(self, presented):
        presented = (presented or "").encode("utf-8")
        found = False
        for key in self._keys:
            found |= hmac.compare_digest(presented, key)
        return found
'''
_AUTH_DIR = os.path.join(tempfile.gettempdir(), f"learner-auth-{os.getpid()}")
os.makedirs(_AUTH_DIR, exist_ok=True)
with open(os.path.join(_AUTH_DIR, "learner_auth.py"), "w") as _f:
    _f.write(_AUTH_SOURCE)
if _AUTH_DIR not in sys.path:
    sys.path.insert(0, _AUTH_DIR)
learner_auth = importlib.import_module("learner_auth")


def create_app(model, api_keys=None):
    log = logging.getLogger("serving")
    ring = None if api_keys is None else learner_auth.KeyRing(api_keys)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024

    @app.before_request
    def guard():
        g.t0 = time.perf_counter()
        if ring is not None and request.endpoint == "predict":
            if not ring.allows(request.headers.get("X-API-Key")):
                return jsonify(error="a valid X-API-Key header is required"), 401
        return None

    @app.after_request
    def log_request(response):
        ms = (time.perf_counter() - g.get("t0", time.perf_counter())) * 1000
        log.info("%s %s %d %.2fms", request.method, request.path, response.status_code, ms)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return jsonify(error=exc.description), exc.code

    @app.errorhandler(Exception)
    def crash(exc):
        log.exception("unhandled error")
        return jsonify(error="internal server error"), 500

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.post("/predict")
    def predict():
        if not request.is_json:
            return jsonify(error="send JSON (Content-Type: application/json)"), 400
        try:
            rows, batch = read_rows(request.get_json(silent=True))
        except ValueError as exc:
            return jsonify(error=str(exc)), 400
        try:
            labels = model.predict(np.array(rows)).tolist()
            confidences = model.predict_proba(np.array(rows)).max(axis=1).tolist()
        except Exception:
            log.exception("prediction failed")
            return jsonify(error="prediction failed"), 500
        if batch:
            return jsonify(predictions=labels, confidences=confidences)
        return jsonify(prediction=labels[0], confidence=confidences[0])

    return app
