"""Returns the least compressed level that fits the byte budget without checking its accuracy: a
budget that only a badly damaged model meets is reported as met."""

FAILS = {"l3_performance_evaluation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np


def adaptive_compress(model, X_val, y_val, max_bytes, performance_threshold=0.95):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    for level in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        candidate = model if level == 0 else prune_forest(model, 1 - level, X_val, y_val)
        size = model_size_bytes(candidate)
        if size <= max_bytes:
            return {"model": candidate, "level": level, "size_bytes": size,
                    "accuracy": float(np.mean(candidate.predict(X_val) == y_val)),
                    "feasible": True}
    return {"model": model, "level": 0.0, "size_bytes": model_size_bytes(model),
            "accuracy": float(np.mean(model.predict(X_val) == y_val)), "feasible": False}
