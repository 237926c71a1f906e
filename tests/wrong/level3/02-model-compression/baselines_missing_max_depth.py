"""Compares only with a smaller retrained forest: the depth-limited baseline is missing."""

FAILS = {"l3_baseline_comparison"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def compare_with_baselines(model, X_train, y_train, X_val, y_val, max_bytes=None):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    budget = model_size_bytes(model) // 2 if max_bytes is None else max_bytes
    adaptive = adaptive_compress(model, X_val, y_val, budget)["model"]
    fewer = RandomForestClassifier(n_estimators=len(adaptive.estimators_),
                                   random_state=0).fit(X_train, y_train)
    rows = [{"method": name, "size_bytes": model_size_bytes(m),
             "accuracy": float(np.mean(m.predict(X_val) == y_val)),
             "latency_ms": latency_ms_per_row(m, X_val)}
            for name, m in (("adaptive", adaptive), ("fewer_trees", fewer))]
    return pd.DataFrame(rows)
