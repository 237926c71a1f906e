"""Hints 2, 3, ... for level 1 (hint 1 is in course/criteria.py). Specific, never the hidden inputs."""

EXTRA_HINTS: dict[str, list[str]] = {
    # --- 01-ml-fundamentals ---
    "l1_split": [
        "Pass every parameter through: train_test_split(X, y, test_size=test_size, "
        "random_state=random_state, stratify=y). A hard-coded 0.2 or 42 passes the visible example "
        "but not a caller who asks for another size or seed.",
        "Return the four parts exactly as train_test_split gives them, in its order: "
        "X_train, X_test, y_train, y_test. No fillna, no scaler, no reset_index.",
    ],
    "l1_model": [
        "Build the Pipeline inside the function on every call: Pipeline([('imputer', "
        "SimpleImputer()), ('scaler', StandardScaler()), ('model', RandomForestClassifier(...))]). "
        "A pipeline created once at module level is shared between callers.",
        "Use n_estimators=100 and random_state=random_state (the parameter, not 42), and don't "
        "call .fit() inside build_pipeline: the caller fits it.",
        "compare_models: build folds = StratifiedKFold(n_splits=cv, shuffle=True, "
        "random_state=random_state) once and pass that same object to cross_val_score for all "
        "three candidates: DummyClassifier(strategy='most_frequent'), the imputer -> scaler -> "
        "LogisticRegression(max_iter=1000) pipeline, and build_pipeline(random_state=random_state). "
        "Give them the raw X; keep the scores in fold order.",
    ],
    "l1_preprocessing": [
        "The steps, in order: an imputer (SimpleImputer, median or mean), a scaler (StandardScaler "
        "or any sklearn scaler), then the forest. The imputer comes first because scalers cannot "
        "handle NaN.",
        "Look for any fillna, scaler or fit_transform outside build_pipeline: load_dataset and "
        "split_data must return exactly what load_breast_cancer gives, so the largest value of "
        "X stays in the thousands.",
    ],
    "l1_metrics": [
        "Predict once on X_test for the labels and once with predict_proba(X_test)[:, 1] for the "
        "scores; accuracy, precision, recall and F1 use the labels, roc_auc_score uses the scores.",
        "Never fit inside evaluate and never use global data: score only the model and the "
        "X_test, y_test you are given, and turn each value into a float with float(...).",
    ],
    "l1_cross_validation": [
        "cross_val_score(build_pipeline(random_state=random_state), X, y, cv=StratifiedKFold("
        "n_splits=cv, shuffle=True, random_state=random_state), scoring='accuracy') refits the "
        "whole pipeline in each fold.",
        "Return {'mean': float(scores.mean()), 'std': float(scores.std()), 'scores': "
        "[float(s) for s in scores]}: the mean and std of the very list you return, and no "
        "filling or scaling of X before the folds.",
    ],
    "l1_tuning": [
        "Wrap build_pipeline(random_state=random_state) in GridSearchCV with a param_grid naming "
        "at least two forest parameters by their pipeline path, such as 'model__max_depth' and "
        "'model__min_samples_leaf' (use your forest step's name), and cv=3 to 5.",
        "Fit the search on X_train, y_train only, keep refit=True (the default), and return "
        "(search.best_estimator_, search.best_params_). Keep the grid small (a few values "
        "each) so it runs in seconds.",
    ],
    "l1_serialization": [
        "save_model: with open(path, 'wb') as f: pickle.dump(model, f), saving the whole fitted "
        "pipeline. load_model: check Path(path).is_file() first and raise "
        "FileNotFoundError(f'no model file at {path}').",
        "Wrap the unpickling in try/except Exception as exc and raise ValueError(f'{path} ...') "
        "from exc; an empty file, a truncated file and a pickled dict all need ValueError, so "
        "also check hasattr(model, 'predict').",
    ],
    "l1_accuracy": [
        "Keep the forest's defaults apart from n_estimators=100 and random_state: max_depth=None, "
        "all features. Limits such as max_depth=2 or a PCA with one component cost accuracy.",
        "Check that the pipeline uses every column: no feature selector, no column dropped. Fit "
        "it on a stratified split of the raw data and look at accuracy_score on the test part.",
    ],
    # --- 02-data-pipeline ---
    "l1_extract": [
        "Check Path(path).is_file() (FileNotFoundError naming the path) and the file's size "
        "(an empty file: ValueError naming the path) before calling pd.read_csv(path).",
        "Don't drop duplicates or convert columns in extract: return the frame as read. If "
        "customer_id does not come out as integers, pass dtype={'customer_id': 'int64'}.",
    ],
    "l1_validation": [
        "Work column by column: for each column count missing values, text that pd.to_numeric("
        "..., errors='coerce') cannot read (present but becomes NaN), values outside the range "
        "and unknown categories; add a message only when a count is above zero.",
        "Count duplicates with df.duplicated().sum() on the frame as given, and name the column "
        "and the number in each message (e.g. 'age: 3 values out of range'). Clean data gives [].",
    ],
    "l1_missing_values": [
        "Order matters: df.copy(), drop_duplicates(), pd.to_numeric(errors='coerce') on the "
        "numeric columns, drop rows with present-but-invalid values, and only then compute the "
        "medians on the rows that remain.",
        "The mode on a tie: df['contract'].mode() returns the tied values sorted, so take "
        ".mode().iloc[0]. Drop rows missing customer_id or churned instead of filling them.",
    ],
    "l1_features": [
        "charges_per_month = total_charges / tenure_months where tenure_months > 0, else 0: "
        "np.where(tenure > 0, total / tenure.where(tenure > 0, 1), 0.0) avoids the division by zero.",
        "Return a copy with both columns added and the others unchanged; tenure_squared is "
        "tenure_months ** 2.",
    ],
    "l1_persistence": [
        "df.to_csv(tmp_path, index=False) into a file created with tempfile.mkstemp(dir=the "
        "target's folder), then os.replace(tmp_path, path).",
        "Put the write in try/except BaseException: remove the temporary file, then raise "
        "again, so a failure leaves any previous file at path as it was and still reaches the caller.",
    ],
    "l1_error_handling": [
        "Let extract's FileNotFoundError and ValueError propagate out of run_pipeline: don't "
        "catch them and return an empty result.",
        "In clean, a row is invalid when a value is present but outside its inclusive range "
        "(Series.between(lo, hi)), churned is not 0/1, or contract is not one of CONTRACTS: drop "
        "those rows; fill only values that are missing.",
    ],
    "l1_logging": [
        "log = logging.getLogger('pipeline') at module level, then log.info(...) once per stage "
        "(extract, validate, clean, features, load) with its row count; no print and no "
        "logging.basicConfig in library code.",
        "rows_in is the raw row count; duplicates_dropped, rows_quarantined and values_imputed "
        "are counted after dropping duplicates, and rows_out is what was written, all plain ints.",
    ],
    # --- 03-model-serving ---
    "l1_model_loading": [
        "load_model: if not Path(path).is_file(): raise FileNotFoundError(f'no model file at "
        "{path}'); then with open(path, 'rb') as f: return pickle.load(f).",
        "create_app(model) must use the model passed in, not one loaded from a fixed path or a "
        "global: two apps built around two models answer differently.",
    ],
    "l1_endpoint": [
        "Inside create_app: app = Flask(__name__); @app.post('/predict') def predict(): ...; "
        "return app. Each call builds a new app around its own model.",
        "Predict with model.predict([row]) on the parsed row and answer jsonify(prediction=...); "
        "GET /health answers {'status': 'ok'}.",
    ],
    "l1_json_response": [
        "confidence = float(model.predict_proba([row])[0].max()); prediction = label.item() if "
        "it is a numpy value, so jsonify writes a number.",
        "Check the response body's types with json.loads(response.get_data()): prediction "
        "a number (not '1'), confidence a float.",
    ],
    "l1_error_responses": [
        "request.get_json(silent=True) returns None for a body that is not JSON: answer "
        "jsonify(error='...'), 400 yourself instead of letting Flask build an HTML page.",
        "Register @app.errorhandler(Exception) (and HTTPException) returning JSON with an "
        "'error' key and the right status, so a model that raises gives a JSON 500 without a traceback.",
    ],
    "l1_batch_predictions": [
        "Call model.predict(rows) and model.predict_proba(rows) once for the whole batch and "
        "zip them, keeping the order of the rows.",
        "Answer {'predictions': [...], 'confidences': [...]} with plain Python numbers (.tolist() "
        "turns numpy arrays into lists of Python values).",
    ],
    "l1_input_validation": [
        "In read_rows, test each value with type(v) in (int, float) (bool is a subclass of int, "
        "so isinstance is not enough) and math.isfinite(v); each row needs exactly n_features values. "
        "float() of a JSON integer with hundreds of digits raises OverflowError: make it a 400 too.",
        "A batch must be a non-empty list of at most max_rows rows; every other shape, a missing "
        "key or a payload that is not a dict raises ValueError, which /predict turns into 400.",
    ],
    "l1_authentication": [
        "keys = tuple(api_keys) once in create_app; at the top of /predict (before get_json) "
        "answer 401 unless the X-API-Key header matches one of them.",
        "Compare with any(hmac.compare_digest(given.encode(), k.encode()) for k in keys), and "
        "only when api_keys was given: with api_keys=None no key is needed.",
    ],
    "l1_request_logging": [
        "Use @app.after_request: it sees every response, errors included; record the start time "
        "in @app.before_request (flask.g) to compute the latency.",
        "log.info('%s %s %s %.1fms', request.method, request.path, response.status_code, ms) on "
        "logging.getLogger('serving'): one record per request and never the request body.",
    ],
}
