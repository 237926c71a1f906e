"""Compares size and accuracy but leaves latency out: half of what a compressed model is for goes
unmeasured."""

FAILS = {"l3_baseline_comparison"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def compare_with_baselines(model, X_train, y_train, X_val, y_val, max_bytes=None):
    budget = model_size_bytes(model) // 2 if max_bytes is None else max_bytes
    adaptive = adaptive_compress(model, X_val, y_val, budget)["model"]
    n = len(adaptive.estimators_)
    fewer = RandomForestClassifier(n_estimators=n, random_state=0).fit(X_train, y_train)
    shallow = RandomForestClassifier(n_estimators=len(model.estimators_), max_depth=6,
                                     random_state=0).fit(X_train, y_train)
    rows = [{"method": name, "size_bytes": model_size_bytes(m),
             "accuracy": float(np.mean(m.predict(X_val) == np.asarray(y_val)))}
            for name, m in (("adaptive", adaptive), ("fewer_trees", fewer), ("max_depth", shallow))]
    return pd.DataFrame(rows)
