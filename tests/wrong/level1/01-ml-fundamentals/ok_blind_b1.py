"""Not a mistake: blind solve b1, written from release/ alone (its answer cells as handed in). It scored full marks and must keep them."""

FAILS = set()
# ruff: noqa: F821, UP031 (the answer cells use the imports and constants of the notebook's setup cell)

def load_dataset():
    """Return the breast cancer data as (X, y), untouched.

    X: a pandas DataFrame of 569 rows and the 30 numeric feature columns, raw values
       (no scaling, no filling).
    y: a pandas Series of 569 labels, 1 = benign, 0 = malignant.
    """
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return X, y


def split_data(X, y, test_size=0.2, random_state=42):
    """Split X and y into a stratified training set and test set.

    test_size is the fraction of rows that go to the test set; random_state seeds the shuffle,
    so the same seed always gives the same split and another seed a different one.
    Returns (X_train, X_test, y_train, y_test), in that order, with the rows unchanged.
    """
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    return X_train, X_test, y_train, y_test


def build_pipeline(random_state=42):
    """Return a new, unfitted Pipeline: an imputer, then a scaler, then the forest.

    The forest is RandomForestClassifier(n_estimators=100, random_state=random_state).
    The pipeline must accept missing values (NaN) in X.
    """
    return Pipeline([
        ("imputer", SimpleImputer(strategy="median")),
        ("scaler", StandardScaler()),
        ("model", RandomForestClassifier(n_estimators=100, random_state=random_state)),
    ])


def evaluate(model, X_test, y_test):
    """Score a fitted classifier on the test data it is given.

    Returns a dict of plain floats with the keys "accuracy", "precision", "recall", "f1" and
    "roc_auc". Precision, recall and F1 treat class 1 (benign) as positive (pos_label=1);
    ROC AUC is computed from model.predict_proba(X_test)[:, 1].
    """
    y_pred = model.predict(X_test)
    proba = model.predict_proba(X_test)
    classes = list(getattr(model, "classes_", [0, 1]))
    col = classes.index(1) if 1 in classes else 1
    y_score = proba[:, col]
    return {
        "accuracy": float(accuracy_score(y_test, y_pred)),
        "precision": float(precision_score(y_test, y_pred, pos_label=1, zero_division=0)),
        "recall": float(recall_score(y_test, y_pred, pos_label=1, zero_division=0)),
        "f1": float(f1_score(y_test, y_pred, pos_label=1, zero_division=0)),
        "roc_auc": float(roc_auc_score(y_test, y_score)),
    }


def cross_validate_pipeline(X, y, cv=5, random_state=42):
    """Cross-validate build_pipeline(random_state=random_state) on X, y.

    Uses StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state) and accuracy.
    Returns {"mean": float, "std": float, "scores": list of cv floats}, where mean and std are
    the mean and standard deviation of scores.
    """
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    scores = cross_val_score(build_pipeline(random_state=random_state), X, y,
                             cv=folds, scoring="accuracy")
    scores = [float(s) for s in scores]
    return {"mean": float(np.mean(scores)), "std": float(np.std(scores)), "scores": scores}


def tune_hyperparameters(X_train, y_train, random_state=42):
    """Search forest hyper-parameters with cross-validation on the training data only.

    Searches at least two RandomForestClassifier hyper-parameters of
    build_pipeline(random_state=random_state) with cross-validation on X_train, y_train.
    Returns (best_estimator, best_params): the best pipeline refitted on all of X_train, y_train,
    and a dict of its tuned parameters (e.g. {"model__max_depth": ..., ...}).
    """
    grid = {
        "model__max_depth": [None, 6],
        "model__min_samples_leaf": [1, 3],
    }
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=random_state)
    search = GridSearchCV(build_pipeline(random_state=random_state), grid, cv=folds,
                          scoring="accuracy", refit=True)
    search.fit(X_train, y_train)
    return search.best_estimator_, dict(search.best_params_)


def save_model(model, path):
    """Save a fitted model to path (a str or a pathlib.Path) so that load_model can read it back,
    in this process or in another one. Returns None."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return None


def load_model(path):
    """Load a model saved by save_model. Only use it on files you trust.

    Raises FileNotFoundError (naming the path) when there is no file at path, and ValueError
    (naming the path) when the file cannot be read as a model: corrupt, truncated, empty, or
    holding something without a predict method.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    try:
        with open(p, "rb") as f:
            model = pickle.load(f)
    except Exception as exc:
        raise ValueError(f"could not read a model from {path}: {type(exc).__name__}: {exc}") from exc
    if not callable(getattr(model, "predict", None)):
        raise ValueError(f"the file {path} does not hold a model (a {type(model).__name__} "
                         f"without a predict method)")
    return model
