"""Checks the accuracy threshold but never the byte budget: the original always qualifies, so it
is always returned, whatever max_bytes says."""

FAILS = {"l3_performance_evaluation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np


def adaptive_compress(model, X_val, y_val, max_bytes, performance_threshold=0.95):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    original_accuracy = float(np.mean(model.predict(X_val) == y_val))
    for level in (0.0, 0.1, 0.3, 0.5, 0.7, 0.9):
        candidate = model if level == 0 else prune_forest(model, 1 - level, X_val, y_val)
        accuracy = float(np.mean(candidate.predict(X_val) == y_val))
        if accuracy >= performance_threshold * original_accuracy:
            return {"model": candidate, "level": level, "size_bytes": model_size_bytes(candidate),
                    "accuracy": accuracy, "feasible": True}
    return {"model": model, "level": 0.0, "size_bytes": model_size_bytes(model),
            "accuracy": original_accuracy, "feasible": False}
