"""Passes cv as a number to cross_val_score: stratified folds, but consecutive blocks, never shuffled."""

FAILS = {"l1_cross_validation"}
# ruff: noqa: E402, F821 (FAILS comes first; names like build_pipeline come from the notebook)

import numpy as np
from sklearn.model_selection import cross_val_score


def cross_validate_pipeline(X, y, cv=5, random_state=42):
    scores = cross_val_score(
        build_pipeline(random_state=random_state),
        X,
        y,
        cv=cv,
        scoring="accuracy",
    )
    return {"mean": float(np.mean(scores)), "std": float(np.std(scores)), "scores": scores.tolist()}
