"""Not a mistake: a correct solution built from other choices than the reference's (KNN imputer,
MinMax scaler, StratifiedShuffleSplit, a hand-written CV loop with ddof=1, RandomizedSearchCV with
n_jobs=-1 over three parameters, joblib files). It must keep every criterion."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import os

import joblib
import numpy as np
from scipy.stats import randint
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import KNNImputer
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold, StratifiedShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler


def load_dataset():
    return load_breast_cancer(return_X_y=True, as_frame=True)


def split_data(X, y, test_size=0.2, random_state=42):
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(splitter.split(X, y))
    return X.iloc[train], X.iloc[test], y.iloc[train], y.iloc[test]


def build_pipeline(random_state=42):
    return make_pipeline(
        KNNImputer(n_neighbors=5),
        MinMaxScaler(),
        RandomForestClassifier(n_estimators=100, random_state=random_state, n_jobs=2),
    )


def evaluate(model, X_test, y_test):
    labels = model.predict(X_test)
    scores = model.predict_proba(X_test)[:, list(model.classes_).index(1)]
    return {
        "accuracy": accuracy_score(y_test, labels),
        "precision": precision_score(y_test, labels, pos_label=1),
        "recall": recall_score(y_test, labels, pos_label=1),
        "f1": f1_score(y_test, labels, pos_label=1),
        "roc_auc": roc_auc_score(y_test, scores),
    }


def cross_validate_pipeline(X, y, cv=5, random_state=42):
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    template = build_pipeline(random_state=random_state)
    scores = []
    for train, test in folds.split(X, y):
        model = clone(template).fit(X.iloc[train], y.iloc[train])
        scores.append(accuracy_score(y.iloc[test], model.predict(X.iloc[test])))
    scores = np.array(scores)
    return {"mean": scores.mean(), "std": scores.std(ddof=1), "scores": scores}


def tune_hyperparameters(X_train, y_train, random_state=42):
    search = RandomizedSearchCV(
        build_pipeline(random_state=random_state),
        {
            "randomforestclassifier__max_depth": [None, 5, 8],
            "randomforestclassifier__min_samples_leaf": randint(1, 4),
            "randomforestclassifier__max_features": ["sqrt", 0.5],
        },
        n_iter=4,
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=random_state),
        random_state=random_state,
        n_jobs=-1,
    )
    search.fit(X_train, y_train)
    return search.best_estimator_, search.best_params_


def save_model(model, path):
    joblib.dump(model, path)


def load_model(path):
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    try:
        model = joblib.load(path)
    except Exception as exc:
        raise ValueError(f"cannot load {path}: {exc!r}") from exc
    if not callable(getattr(model, "predict", None)):
        raise ValueError(f"{path}: not a model")
    return model
