"""A correct answer written another way: routes on a Blueprint, the key checked by a module-level
helper that calls secrets.compare_digest, a Content-Length check that answers 413 before reading a
big body, validation inside the view (not through read_rows), labels converted with
numpy's tolist(), and an f-string log line with the latency in seconds."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import logging
import math
import secrets
import time

from flask import Blueprint, Flask, jsonify, request

LIMIT_BYTES = 10 * 1024 * 1024


def key_is_valid(presented, allowed):
    ok = False
    for key in allowed:
        ok = secrets.compare_digest(presented.encode(), key.encode()) or ok
    return ok


def create_app(model, api_keys=None):
    allowed = None if api_keys is None else list(api_keys)
    log = logging.getLogger("serving")
    api = Blueprint("api", __name__)

    def fail(status, message):
        response = jsonify(error=message)
        response.status_code = status
        return response

    def to_row(values):
        if not isinstance(values, list) or len(values) != 30:
            return None
        try:
            if not all(type(v) in (int, float) and math.isfinite(v) for v in values):
                return None
        except OverflowError:  # an int too large for a float
            return None
        return [float(v) for v in values]

    @api.route("/health", methods=["GET"])
    def health():
        return jsonify(status="ok")

    @api.route("/predict", methods=["POST"])
    def predict():
        if allowed is not None and not key_is_valid(request.headers.get("X-API-Key", ""), allowed):
            return fail(401, "unauthorized")
        if (request.content_length or 0) > LIMIT_BYTES:
            return fail(413, "body too large")
        if request.mimetype != "application/json":
            return fail(400, "expected application/json")
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or ("features" in body) == ("instances" in body):
            return fail(400, "expected {'features': [...]} or {'instances': [[...], ...]}")
        batch = "instances" in body
        raw = body["instances"] if batch else [body["features"]]
        if not isinstance(raw, list) or not 0 < len(raw) <= 1000:
            return fail(400, "instances must hold 1 to 1000 rows")
        rows = [to_row(r) for r in raw]
        if any(r is None for r in rows):
            return fail(400, "every row must be 30 finite numbers")
        try:
            labels = model.predict(rows).tolist()
            confidences = model.predict_proba(rows).max(axis=1).tolist()
        except Exception:
            log.error("prediction failed", exc_info=True)
            return fail(500, "prediction failed")
        if batch:
            return jsonify(predictions=labels, confidences=confidences)
        return jsonify(prediction=labels[0], confidence=confidences[0])

    app = Flask(__name__)
    app.register_blueprint(api)

    @app.errorhandler(404)
    @app.errorhandler(405)
    def not_here(exc):
        return fail(exc.code, exc.description)

    @app.errorhandler(Exception)
    def crashed(exc):
        log.error("unhandled error", exc_info=True)
        return fail(500, "internal error")

    @app.before_request
    def started():
        request.environ["t0"] = time.perf_counter()

    @app.after_request
    def finished(response):
        seconds = time.perf_counter() - request.environ.get("t0", time.perf_counter())
        log.info(f"{request.method} {request.path} -> {response.status_code} in {seconds:.4f}s")
        return response

    return app
