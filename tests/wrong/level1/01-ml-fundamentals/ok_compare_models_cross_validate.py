"""Not a mistake: compare_models written another way (sklearn's cross_validate, make_pipeline, a
longer max_iter, the forest entry taken from cross_validate_pipeline, std with ddof=1, numpy
floats in the result). Keeps every criterion."""

FAILS = set()
# ruff: noqa: E402, F821 (FAILS comes first; names like build_pipeline come from the notebook)

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def compare_models(X, y, cv=5, random_state=42):
    splitter = StratifiedKFold(cv, shuffle=True, random_state=random_state)

    def summary(scores):
        scores = np.asarray(scores, dtype=float)
        return {"mean": scores.mean(), "std": scores.std(ddof=1), "scores": list(scores)}

    simple = {
        "baseline": DummyClassifier(strategy="most_frequent"),
        "logistic_regression": make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                                             LogisticRegression(max_iter=5000)),
    }
    results = {name: summary(cross_validate(model, X, y, cv=splitter, scoring="accuracy")["test_score"])
               for name, model in simple.items()}
    results["random_forest"] = cross_validate_pipeline(X, y, cv=cv, random_state=random_state)
    return results
