"""Gives each candidate cv=cv (an integer) instead of one shuffled, seeded StratifiedKFold: the folds
are unshuffled blocks, not the ones the contract names, so the comparison is not the paired one asked for."""

FAILS = {"l1_model"}
# ruff: noqa: E402, F821 (FAILS comes first; names like build_pipeline come from the notebook)

from sklearn.dummy import DummyClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def compare_models(X, y, cv=5, random_state=42):
    candidates = {
        "baseline": DummyClassifier(strategy="most_frequent"),
        "logistic_regression": make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                                             LogisticRegression(max_iter=1000)),
        "random_forest": build_pipeline(random_state=random_state),
    }
    out = {}
    for name, model in candidates.items():
        scores = cross_val_score(model, X, y, cv=cv, scoring="accuracy")
        out[name] = {"mean": float(scores.mean()), "std": float(scores.std()),
                     "scores": scores.tolist()}
    return out
