"""Like the seed's fallback: when no level meets the budgets it returns the most compressed model
anyway and calls it feasible, so an impossible budget is never reported."""

FAILS = {"l3_performance_evaluation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np


def adaptive_compress(model, X_val, y_val, max_bytes, performance_threshold=0.95):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    target = performance_threshold * float(np.mean(model.predict(X_val) == y_val))
    candidate = model
    for level in (0.0, 0.1, 0.3, 0.5, 0.7, 0.9):
        candidate = model if level == 0 else prune_forest(model, 1 - level, X_val, y_val)
        size = model_size_bytes(candidate)
        accuracy = float(np.mean(candidate.predict(X_val) == y_val))
        if size <= max_bytes and accuracy >= target:
            break
    return {"model": candidate, "level": level, "size_bytes": size, "accuracy": accuracy,
            "feasible": True}
