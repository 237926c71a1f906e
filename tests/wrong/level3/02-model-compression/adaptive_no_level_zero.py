"""Searches the seed's levels exactly as given, 0.1 to 0.9, and forgets level 0: even when the
original already fits the budget, a tenth of its trees is thrown away for nothing."""

FAILS = {"l3_performance_evaluation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np


def adaptive_compress(model, X_val, y_val, max_bytes, performance_threshold=0.95):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    original = float(np.mean(model.predict(X_val) == y_val))
    for level in (0.1, 0.3, 0.5, 0.7, 0.9):
        candidate = prune_forest(model, 1 - level, X_val, y_val)
        size = model_size_bytes(candidate)
        accuracy = float(np.mean(candidate.predict(X_val) == y_val))
        if size <= max_bytes and accuracy >= performance_threshold * original:
            return {"model": candidate, "level": level, "size_bytes": size, "accuracy": accuracy,
                    "feasible": True}
    return {"model": model, "level": 0.0, "size_bytes": model_size_bytes(model),
            "accuracy": original, "feasible": False}
