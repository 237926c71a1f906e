"""Not a mistake: preprocessing wrapped in a ColumnTransformer, cross-validation that builds the
pipeline with its default seed, and tuning that returns the fitted (refit=True) GridSearchCV itself,
which is an estimator refitted on all the training rows. It must keep every criterion."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import numpy as np
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import RobustScaler


def build_pipeline(random_state=42):
    numeric = Pipeline([("fill", SimpleImputer(strategy="mean")), ("scale", RobustScaler())])
    prepare = ColumnTransformer(
        [("numeric", numeric, make_column_selector(dtype_include="number"))]
    )
    return Pipeline(
        [
            ("prepare", prepare),
            ("forest", RandomForestClassifier(n_estimators=100, random_state=random_state)),
        ]
    )


def cross_validate_pipeline(X, y, cv=5, random_state=42):
    folds = StratifiedKFold(cv, shuffle=True, random_state=random_state)
    scores = cross_validate(build_pipeline(), X, y, cv=folds, scoring="accuracy")["test_score"]
    return {"mean": np.mean(scores), "std": np.std(scores), "scores": list(scores)}


def tune_hyperparameters(X_train, y_train, random_state=42):
    search = GridSearchCV(
        build_pipeline(random_state=random_state),
        {"forest__max_depth": [None, 5], "forest__max_features": ["sqrt", "log2"]},
        cv=StratifiedKFold(3, shuffle=True, random_state=random_state),
    )
    return search.fit(X_train, y_train), search.best_params_
