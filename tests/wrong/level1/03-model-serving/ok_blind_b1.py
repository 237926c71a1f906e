"""Not a mistake: blind solve b1, written from release/ alone (its answer cells as handed in). It scored full marks and must keep them."""

FAILS = set()
# ruff: noqa: F821, UP031 (the answer cells use the imports and constants of the notebook's setup cell)

def load_model(path):
    """Load a pickled model from path and return it.

    Raises FileNotFoundError (naming the path) when there is no file at path.
    Only load files you trust: unpickling can run arbitrary code.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no model file at {path}")
    try:
        with open(path, "rb") as f:
            model = pickle.load(f)
    except Exception as exc:
        raise ValueError(f"could not read a model from {path} ({type(exc).__name__})") from exc
    if not callable(getattr(model, "predict", None)):
        raise ValueError(f"the file {path} does not hold a model with a predict method")
    return model


def read_rows(payload, n_features=30, max_rows=1000):
    """Check a parsed /predict body; return (rows, is_batch).

    payload: the parsed JSON body. {"features": [n_features numbers]} gives ([row], False);
    {"instances": [[n_features numbers], ...]} with 1..max_rows rows gives (rows, True).
    rows is a list of lists of floats. Anything else raises ValueError with a short message
    for the client (booleans, strings, None, NaN and infinities are not numbers).
    """
    if not isinstance(payload, dict):
        raise ValueError('the body must be a JSON object with "features" or "instances"')
    has_features, has_instances = "features" in payload, "instances" in payload
    if has_features == has_instances:
        raise ValueError('the body must have exactly one of "features" and "instances"')

    def number(value, where):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where} is not a number")
        try:
            value = float(value)
        except (OverflowError, ValueError):
            raise ValueError(f"{where} is not a finite number") from None
        if not math.isfinite(value):
            raise ValueError(f"{where} is not a finite number")
        return value

    def row(values, where):
        if not isinstance(values, list):
            raise ValueError(f"{where} must be a list of {n_features} numbers")
        if len(values) != n_features:
            raise ValueError(f"{where} has {len(values)} values, expected {n_features}")
        return [number(v, f"value {i} of {where}") for i, v in enumerate(values)]

    if has_features:
        return [row(payload["features"], "features")], False

    instances = payload["instances"]
    if not isinstance(instances, list):
        raise ValueError('"instances" must be a list of rows')
    if not instances:
        raise ValueError('"instances" is empty; send 1 to %d rows' % max_rows)
    if len(instances) > max_rows:
        raise ValueError(f'"instances" has {len(instances)} rows, at most {max_rows} are allowed')
    return [row(r, f"row {i}") for i, r in enumerate(instances)], True


def create_app(model, api_keys=None):
    """Build a Flask app that serves model.

    POST /predict {"features": [30 numbers]} -> {"prediction": label, "confidence": float}
    POST /predict {"instances": [[...], ...]} -> {"predictions": [...], "confidences": [...]}
    GET /health -> {"status": "ok"}
    Bad input -> 400 {"error": message}; with api_keys (an iterable of strings), /predict
    without a valid X-API-Key header -> 401, checked before the body. One INFO record per
    request on logger "serving" (method, path, status, latency), never the features.
    """
    log = logging.getLogger("serving")
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024

    if api_keys is None:
        keys = None
    elif isinstance(api_keys, (str, bytes)):
        keys = (api_keys.encode() if isinstance(api_keys, str) else api_keys,)
    else:
        keys = tuple(k.encode() if isinstance(k, str) else bytes(k) for k in api_keys)

    n_features = getattr(model, "n_features_in_", 30)
    try:
        n_features = int(n_features)
    except (TypeError, ValueError):
        n_features = 30

    def key_is_valid(given):
        if given is None:
            return False
        given = given.encode("utf-8", "surrogateescape")
        valid = False
        for key in keys:  # no early exit: every key is compared
            if hmac.compare_digest(given, key):
                valid = True
        return valid

    def error(message, status):
        return jsonify({"error": message}), status

    @app.before_request
    def start_timer():
        g.start = time.perf_counter()

    @app.before_request
    def check_api_key():
        if keys is None or request.path.rstrip("/") != "/predict":
            return None
        if not key_is_valid(request.headers.get("X-API-Key")):
            return error("missing or invalid API key (X-API-Key header)", 401)
        return None

    @app.after_request
    def log_request(response):
        started = g.get("start")
        latency_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        log.info("%s %s %d %.1fms", request.method, request.path, response.status_code,
                 latency_ms, extra={"method": request.method, "path": request.path,
                                    "status": response.status_code,
                                    "latency_ms": round(latency_ms, 3)})
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc):
        response = exc.get_response()
        response.set_data(json.dumps({"error": exc.description or exc.name or "error"}))
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def server_error(exc):
        log.error("unhandled error on %s %s", request.method, request.path,
                  exc_info=(type(exc), exc, exc.__traceback__))
        return error("internal error", 500)

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.post("/predict")
    def predict():
        if not request.is_json:
            return error("send a JSON body with Content-Type: application/json", 400)
        payload = request.get_json(silent=True)
        if payload is None:
            return error("the body is not valid JSON", 400)
        try:
            rows, is_batch = read_rows(payload, n_features=n_features)
        except ValueError as exc:
            return error(str(exc), 400)
        try:
            data = np.asarray(rows, dtype=float)
            labels = np.asarray(model.predict(data)).tolist()
            if hasattr(model, "predict_proba"):
                confidences = [float(p) for p in np.asarray(model.predict_proba(data)).max(axis=1)]
            else:
                confidences = [None] * len(labels)
            if len(labels) != len(rows) or len(confidences) != len(rows):
                raise RuntimeError("the model returned the wrong number of rows")
        except Exception:
            log.exception("the model failed on %d row(s)", len(rows))
            return error("internal error", 500)
        if is_batch:
            return jsonify({"predictions": labels, "confidences": confidences})
        return jsonify({"prediction": labels[0], "confidence": confidences[0]})

    return app
