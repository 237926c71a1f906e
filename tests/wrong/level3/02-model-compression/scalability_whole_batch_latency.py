"""Reports the time of predict on the whole batch as latency_ms: it grows with the batch, so it
is not the cost of one prediction and cannot be compared across batch sizes."""

FAILS = {"l3_scalability_analysis"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import time

import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def scalability_analysis(X_train, y_train, X_val, n_trees=(10, 50, 100, 200), random_state=0):
    rows = []
    for n in n_trees:
        forest = RandomForestClassifier(n_estimators=n, random_state=random_state)
        forest.fit(X_train, y_train)
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            forest.predict(X_val)
            timings.append(time.perf_counter() - started)
        rows.append({"n_trees": n, "size_bytes": model_size_bytes(forest),
                     "latency_ms": 1000 * min(timings)})
    return pd.DataFrame(rows)
