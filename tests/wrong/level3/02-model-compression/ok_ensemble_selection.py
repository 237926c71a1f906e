"""A correct answer written differently: trees chosen by greedy ensemble selection (Caruana et al.
2004) on the validation data, per-output-channel symmetric int8 quantization in a class of its
own, a fine grid of tree counts in adaptive_compress that skips levels too large to fit, and a
baseline table with extra rows and columns."""

FAILS = set()
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import copy
import pickle
import timeit

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.neural_network import MLPClassifier


class Int8MLP:
    """Weights as int8, one symmetric scale per output neuron (zero point 0)."""

    def __init__(self, model):
        self.labels = list(model.classes_)
        self.hidden = model.activation
        self.weights, self.scales, self.biases = [], [], []
        for w, b in zip(model.coefs_, model.intercepts_):
            scale = np.abs(w).max(axis=0) / 127
            scale[scale == 0] = 1.0
            self.weights.append(np.round(w / scale).astype(np.int8))
            self.scales.append(scale.astype(np.float32))
            self.biases.append(b.astype(np.float32))

    def predict(self, X):
        out = np.asarray(X, dtype=float)
        last = len(self.weights) - 1
        for i, (q, s, b) in enumerate(zip(self.weights, self.scales, self.biases)):
            out = (out @ q.astype(float)) * s + b
            if i < last:
                if self.hidden == "relu":
                    out = np.maximum(out, 0)
                elif self.hidden == "tanh":
                    out = np.tanh(out)
                elif self.hidden == "logistic":
                    out = 1 / (1 + np.exp(-out))
        if out.shape[1] == 1:
            index = (out[:, 0] > 0).astype(int)
        else:
            index = out.argmax(axis=1)
        return np.array(self.labels)[index]


def model_size_bytes(model):
    return len(pickle.dumps(model, 5))


def prune_forest(model, keep_fraction, X_val, y_val):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    n_keep = max(1, min(len(model.estimators_), int(keep_fraction * len(model.estimators_) + 0.5)))
    probas = [tree.predict_proba(X_val) for tree in model.estimators_]
    chosen, total = [], np.zeros_like(probas[0])
    for _ in range(n_keep):
        best, best_score = None, -1.0
        for i, p in enumerate(probas):
            if i in chosen:
                continue
            score = np.mean(model.classes_[np.argmax(total + p, axis=1)] == y_val)
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
        total += probas[best]
    pruned = copy.deepcopy(model)
    pruned.estimators_ = [pruned.estimators_[i] for i in chosen]
    pruned.n_estimators = n_keep
    return pruned


def quantize_mlp(model, bits=8):
    return Int8MLP(model)


def adaptive_compress(model, X_val, y_val, max_bytes, performance_threshold=0.95):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    original = float(np.mean(model.predict(X_val) == y_val))
    if isinstance(model, MLPClassifier):
        candidates = [(64, lambda: model), (8, lambda: quantize_mlp(model, 8))]
        fallback = 64
    else:
        n = len(model.estimators_)
        per_tree = model_size_bytes(model) / n
        counts = sorted({max(1, round(n * k / 40)) for k in range(40, 0, -1)}, reverse=True)
        candidates = [(1 - k / n, (lambda k=k: model if k == n else prune_forest(model, k / n, X_val, y_val)))
                      for k in counts if k * per_tree <= 1.2 * max_bytes]
        fallback = 0.0
    for level, build in candidates:
        m = build()
        size = model_size_bytes(m)
        accuracy = float(np.mean(m.predict(X_val) == y_val))
        if size <= max_bytes and accuracy >= performance_threshold * original:
            return dict(model=m, level=level, size_bytes=size, accuracy=accuracy, feasible=True)
    return dict(model=model, level=fallback, size_bytes=model_size_bytes(model), accuracy=original,
                feasible=False)


def compare_with_baselines(model, X_train, y_train, X_val, y_val, max_bytes=None):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    size = model_size_bytes(model)
    budget = max_bytes or int(0.4 * size)
    adaptive = adaptive_compress(model, X_val, y_val, budget)["model"]
    fewer = RandomForestClassifier(n_estimators=len(adaptive.estimators_), random_state=1)
    fewer.fit(X_train, y_train)
    shallow = RandomForestClassifier(n_estimators=model.n_estimators, max_depth=5, random_state=1)
    shallow.fit(X_train, y_train)
    rows = []
    for name, m in [("fewer_trees", fewer), ("max_depth", shallow), ("adaptive", adaptive),
                    ("full forest", model)]:
        seconds = min(timeit.repeat(lambda m=m: m.predict(X_val), number=1, repeat=5))
        rows.append({"method": name, "size_bytes": model_size_bytes(m),
                     "accuracy": float(np.mean(m.predict(X_val) == y_val)),
                     "latency_ms": 1000 * seconds / len(X_val),
                     "relative_size": model_size_bytes(m) / size})
    return pd.DataFrame(rows)
