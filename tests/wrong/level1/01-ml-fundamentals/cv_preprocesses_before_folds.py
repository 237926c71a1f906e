"""Imputes (with means) and scales the whole X first, then cross-validates only the forest: the
preprocessing is never refitted inside the folds."""

FAILS = {"l1_cross_validation"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler


def cross_validate_pipeline(X, y, cv=5, random_state=42):
    X_ready = StandardScaler().fit_transform(SimpleImputer().fit_transform(X))
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    forest = RandomForestClassifier(n_estimators=100, random_state=random_state)
    scores = cross_val_score(forest, X_ready, y, cv=folds, scoring="accuracy")
    return {"mean": float(np.mean(scores)), "std": float(np.std(scores)), "scores": scores.tolist()}
