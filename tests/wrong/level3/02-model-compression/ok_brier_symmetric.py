"""A correct answer written differently: trees ranked by their Brier score on the validation data,
symmetric int8 quantization (zero point 0) kept in plain dicts, the seed's coarse compression
levels, and scalability timed with timeit, with an extra column."""

FAILS = set()
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import copy
import timeit

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier


class SymmetricQuantizedMLP:
    def __init__(self, model, bits):
        limit = 2 ** (bits - 1) - 1
        self.classes_ = np.asarray(model.classes_)
        self.activation = model.activation
        self.layers = []
        for w, b in zip(model.coefs_, model.intercepts_):
            scale = float(np.abs(w).max()) / limit or 1.0
            dtype = np.int8 if bits <= 8 else np.int16
            self.layers.append({"q": np.round(w / scale).astype(dtype), "scale": scale,
                                "zero_point": 0, "bias": b})

    def predict(self, X):
        a = np.asarray(X, dtype=float)
        for i, layer in enumerate(self.layers):
            a = a @ (layer["scale"] * (layer["q"] - layer["zero_point"])) + layer["bias"]
            if i + 1 < len(self.layers):
                a = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
                     "logistic": lambda z: 1 / (1 + np.exp(-z)),
                     "identity": lambda z: z}[self.activation](a)
        if a.shape[1] == 1:
            return self.classes_[(a[:, 0] > 0).astype(int)]
        return self.classes_[a.argmax(axis=1)]


def prune_forest(model, keep_fraction, X_val, y_val):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    onehot = (y_val[:, None] == model.classes_[None, :]).astype(float)
    brier = [float(np.mean((tree.predict_proba(X_val) - onehot) ** 2)) for tree in model.estimators_]
    k = max(1, round(keep_fraction * len(brier)))
    keep = sorted(np.argsort(brier)[:k])
    new = copy.copy(model)
    new.estimators_ = [model.estimators_[i] for i in keep]
    new.n_estimators = len(new.estimators_)
    return new


def quantize_mlp(model, bits=8):
    return SymmetricQuantizedMLP(model, bits)


def adaptive_compress(model, X_val, y_val, max_bytes, performance_threshold=0.95):
    original = float(np.mean(model.predict(X_val) == np.asarray(y_val)))
    if isinstance(model, RandomForestClassifier):
        options = [(lvl, model if lvl == 0 else prune_forest(model, 1 - lvl, X_val, y_val))
                   for lvl in (0, 0.1, 0.3, 0.5, 0.7, 0.9)]
    else:
        options = [(64, model), (8, quantize_mlp(model))]
    for level, m in options:
        size = model_size_bytes(m)
        acc = float(np.mean(m.predict(X_val) == np.asarray(y_val)))
        if size <= max_bytes and acc >= performance_threshold * original:
            return {"model": m, "level": level, "size_bytes": size, "accuracy": acc,
                    "feasible": True}
    return {"model": model, "level": options[0][0], "size_bytes": model_size_bytes(model),
            "accuracy": original, "feasible": False}


def scalability_analysis(X_train, y_train, X_val, n_trees=(10, 50, 100, 200), random_state=0):
    table = []
    for n in n_trees:
        forest = RandomForestClassifier(n_estimators=n, random_state=random_state).fit(X_train, y_train)
        seconds = min(timeit.repeat(lambda: forest.predict(X_val), number=2, repeat=3)) / 2
        size = model_size_bytes(forest)
        table.append((n, size, 1000 * seconds / len(X_val), size / n))
    return pd.DataFrame(table, columns=["n_trees", "size_bytes", "latency_ms", "bytes_per_tree"])
