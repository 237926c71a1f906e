"""A correct answer written another way: no MAX_CONTENT_LENGTH (an 11 MB body is parsed and
rejected with 400 by validation), validation by strict type checks on a numpy conversion (whose OverflowError becomes a 400), the key
checked inside the view with `from secrets import compare_digest`, 401 raised with abort() and
turned into JSON by an error handler, and the log record built from extra fields
(logger.info("request", extra={...})) instead of a formatted message."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import logging
import numbers
import time
from secrets import compare_digest

import numpy as np
from flask import Flask, abort, jsonify, request
from werkzeug.exceptions import HTTPException


def read_rows(payload, n_features=30, max_rows=1000):
    if type(payload) is not dict or len({"features", "instances"} & payload.keys()) != 1:
        raise ValueError("expected an object with either 'features' or 'instances'")
    batch = "instances" in payload
    rows = payload["instances"] if batch else [payload["features"]]
    if type(rows) is not list or not 1 <= len(rows) <= max_rows:
        raise ValueError(f"a batch holds 1 to {max_rows} rows")
    for row in rows:
        if type(row) is not list or len(row) != n_features:
            raise ValueError(f"each row needs {n_features} values")
        if any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in row):
            raise ValueError("every value must be a number")
    try:
        array = np.asarray(rows, dtype=np.float64)
    except OverflowError:
        raise ValueError("a value is too large to be a number") from None
    if not np.isfinite(array).all():
        raise ValueError("NaN and infinite values are not allowed")
    return array.tolist(), batch


def create_app(model, api_keys=None):
    app = Flask(__name__)
    allowed = None if api_keys is None else set(api_keys)
    logger = logging.getLogger("serving")

    @app.errorhandler(HTTPException)
    def as_json(exc):
        return jsonify(error=exc.description or exc.name), exc.code

    @app.errorhandler(Exception)
    def crashed(exc):
        logger.error("request failed", exc_info=exc)
        return jsonify(error="internal error"), 500

    @app.before_request
    def begin():
        request.environ["started"] = time.monotonic()

    @app.after_request
    def record(response):
        took = time.monotonic() - request.environ.get("started", time.monotonic())
        logger.info("request", extra={"http_method": request.method, "http_path": request.path,
                                      "http_status": response.status_code,
                                      "latency_s": round(took, 6)})
        return response

    @app.route("/health")
    def health():
        return jsonify(status="ok")

    @app.route("/predict", methods=["POST"])
    def predict():
        if allowed is not None:
            given = request.headers.get("X-API-Key", "")
            if not any([compare_digest(given.encode(), key.encode()) for key in allowed]):
                abort(401, description="a valid X-API-Key header is required")
        if request.mimetype != "application/json":
            abort(400, description="the body must be application/json")
        try:
            rows, batch = read_rows(request.get_json(silent=True))
        except ValueError as exc:
            abort(400, description=str(exc))
        probabilities = model.predict_proba(rows)
        labels = model.predict(rows).tolist()
        confidence = probabilities.max(axis=1).tolist()
        if batch:
            return jsonify(predictions=labels, confidences=confidence)
        return jsonify(prediction=labels[0], confidence=confidence[0])

    return app
