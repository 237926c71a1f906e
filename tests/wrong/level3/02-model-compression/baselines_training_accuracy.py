"""Scores every method on the training data it was fitted on: full-depth forests look nearly
perfect there, which says nothing about new rows."""

FAILS = {"l3_baseline_comparison"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def compare_with_baselines(model, X_train, y_train, X_val, y_val, max_bytes=None):
    X_train, y_train = np.asarray(X_train), np.asarray(y_train)
    budget = model_size_bytes(model) // 2 if max_bytes is None else max_bytes
    adaptive = adaptive_compress(model, X_val, y_val, budget)["model"]
    params = model.get_params()
    fewer = RandomForestClassifier(**{**params, "n_estimators": len(adaptive.estimators_)})
    fewer.fit(X_train, y_train)
    shallow = RandomForestClassifier(**{**params, "max_depth": 8}).fit(X_train, y_train)
    rows = [{"method": name, "size_bytes": model_size_bytes(m),
             "accuracy": float(np.mean(m.predict(X_train) == y_train)),
             "latency_ms": latency_ms_per_row(m, X_train)}
            for name, m in (("adaptive", adaptive), ("fewer_trees", fewer), ("max_depth", shallow))]
    return pd.DataFrame(rows)
