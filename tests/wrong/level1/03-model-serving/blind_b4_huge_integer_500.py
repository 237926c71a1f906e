"""Blind solve b4, written from release/ alone (its answer cells as handed in): full marks when it was written, but read_rows calls float() on a JSON integer with hundreds of digits, which raises OverflowError, so that bad input gets a 500 instead of a 400 (now stated in the notebook's table of bad input)."""

FAILS = {"l1_input_validation"}
# ruff: noqa: F821, UP031 (the answer cells use the imports and constants of the notebook's setup cell)

def load_model(path):
    """Load a pickled model from path and return it.

    Raises FileNotFoundError (naming the path) when there is no file at path.
    Only load files you trust: unpickling can run arbitrary code.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no model file at {path}")
    with open(path, "rb") as f:
        try:
            return pickle.load(f)
        except Exception as exc:
            raise ValueError(f"could not load a model from {path}") from exc


def read_rows(payload, n_features=30, max_rows=1000):
    """Check a parsed /predict body; return (rows, is_batch).

    payload: the parsed JSON body. {"features": [n_features numbers]} gives ([row], False);
    {"instances": [[n_features numbers], ...]} with 1..max_rows rows gives (rows, True).
    rows is a list of lists of floats. Anything else raises ValueError with a short message
    for the client (booleans, strings, None, NaN and infinities are not numbers).
    """
    if not isinstance(payload, dict):
        raise ValueError("the body must be a JSON object")
    has_features, has_instances = "features" in payload, "instances" in payload
    if has_features == has_instances:
        raise ValueError('the body must have exactly one of "features" or "instances"')

    if has_features:
        raw_rows, is_batch = [payload["features"]], False
    else:
        raw_rows, is_batch = payload["instances"], True
        if not isinstance(raw_rows, list) or not raw_rows:
            raise ValueError('"instances" must be a non-empty list of rows')
        if len(raw_rows) > max_rows:
            raise ValueError(f'"instances" has {len(raw_rows)} rows, at most {max_rows} are allowed')

    rows = []
    for i, row in enumerate(raw_rows):
        where = f"row {i}" if is_batch else '"features"'
        if not isinstance(row, list):
            raise ValueError(f"{where} must be a list of {n_features} numbers")
        if len(row) != n_features:
            raise ValueError(f"{where} has {len(row)} values, expected {n_features}")
        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{where}, position {j}: not a number")
            if not math.isfinite(float(value)):
                raise ValueError(f"{where}, position {j}: not a finite number")
        rows.append([float(v) for v in row])
    return rows, is_batch


def create_app(model, api_keys=None):
    """Build a Flask app that serves model.

    POST /predict {"features": [30 numbers]} -> {"prediction": label, "confidence": float}
    POST /predict {"instances": [[...], ...]} -> {"predictions": [...], "confidences": [...]}
    GET /health -> {"status": "ok"}
    Bad input -> 400 {"error": message}; with api_keys (an iterable of strings), /predict
    without a valid X-API-Key header -> 401, checked before the body. One INFO record per
    request on logger "serving" (method, path, status, latency), never the features.
    """
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
    log = logging.getLogger("serving")
    keys = None if api_keys is None else tuple(k.encode() for k in api_keys)
    n_features = getattr(model, "n_features_in_", 30)

    @app.before_request
    def start_timer():
        g.start = time.perf_counter()

    @app.before_request
    def check_api_key():
        if keys is None or request.endpoint != "predict":
            return None
        given = request.headers.get("X-API-Key", "").encode()
        valid = False
        for key in keys:
            valid |= hmac.compare_digest(given, key)
        if not valid:
            return jsonify({"error": "missing or invalid API key"}), 401
        return None

    @app.after_request
    def log_request(response):
        elapsed_ms = (time.perf_counter() - g.get("start", time.perf_counter())) * 1000
        log.info("%s %s %d %.1fms", request.method, request.path, response.status_code, elapsed_ms)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return jsonify({"error": exc.description}), exc.code

    @app.errorhandler(Exception)
    def server_error(exc):
        log.exception("unhandled error")
        return jsonify({"error": "internal error"}), 500

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.post("/predict")
    def predict():
        if not request.is_json:
            return jsonify({"error": "the body must be JSON sent as application/json"}), 400
        payload = request.get_json(silent=True)
        if payload is None:
            return jsonify({"error": "the body is not valid JSON"}), 400
        try:
            rows, is_batch = read_rows(payload, n_features=n_features)
        except ValueError as exc:
            return jsonify({"error": str(exc)}), 400

        try:
            X = np.asarray(rows, dtype=float)
            labels = model.predict(X).tolist()
            confidences = model.predict_proba(X).max(axis=1).tolist()
        except Exception:
            log.exception("the model failed to predict")
            return jsonify({"error": "internal error"}), 500

        if is_batch:
            return jsonify({"predictions": labels, "confidences": confidences})
        return jsonify({"prediction": labels[0], "confidence": confidences[0]})

    return app
