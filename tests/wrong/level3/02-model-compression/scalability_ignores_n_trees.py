"""Trains the same 100-tree forest for every row of the table and only writes n_trees in the first
column: size and latency never change, so nothing about scaling is measured."""

FAILS = {"l3_scalability_analysis"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def scalability_analysis(X_train, y_train, X_val, n_trees=(10, 50, 100, 200), random_state=0):
    forest = RandomForestClassifier(n_estimators=100, random_state=random_state)
    forest.fit(X_train, y_train)
    size = model_size_bytes(forest)
    latency = latency_ms_per_row(forest, X_val)
    return pd.DataFrame({"n_trees": list(n_trees), "size_bytes": size, "latency_ms": latency})
