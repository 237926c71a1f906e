"""Fills the gaps with medians of all rows before cross-validating: each fold's test rows shaped
the values its training rows were filled with."""

FAILS = {"l1_cross_validation"}
# ruff: noqa: E402, F821 (FAILS comes first; names like build_pipeline come from the notebook)

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold, cross_val_score


def cross_validate_pipeline(X, y, cv=5, random_state=42):
    X_filled = pd.DataFrame(SimpleImputer(strategy="median").fit_transform(X), columns=X.columns)
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    scores = cross_val_score(
        build_pipeline(random_state=random_state),
        X_filled,
        y,
        cv=folds,
        scoring="accuracy",
    )
    return {"mean": float(np.mean(scores)), "std": float(np.std(scores)), "scores": scores.tolist()}
