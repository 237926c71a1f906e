"""A correct answer written differently: a generic compressor instead of a new format. The model
holds the lzma-compressed pickle of a forest of the validation-best trees (as many as fit the
budget, found by bisection) and unpacks it on first use; the pickle of the object is the
compressed bytes only. Size at rest shrinks about tenfold (the tree arrays are very regular);
memory once loaded does not, a trade-off for the research note."""

FAILS = set()
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import copy
import lzma
import pickle

import numpy as np


class PackedForest:
    def __init__(self, forest):
        self.blob = lzma.compress(pickle.dumps(forest, protocol=5), preset=9)
        self._forest = None

    def __getstate__(self):
        return {"blob": self.blob}  # the unpacked forest is a cache, never part of the pickle

    def __setstate__(self, state):
        self.blob, self._forest = state["blob"], None

    def predict(self, X):
        if self._forest is None:
            self._forest = pickle.loads(lzma.decompress(self.blob))
        return self._forest.predict(X)


def novel_compress(model, X_train, y_train, X_val, y_val, max_bytes):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    trees = list(model.estimators_)
    scores = [np.mean(model.classes_[t.predict(X_val).astype(int)] == y_val) for t in trees]
    ranked = [trees[i] for i in np.argsort(scores)[::-1]]

    def packed(k):
        forest = copy.copy(model)
        forest.estimators_, forest.n_estimators = ranked[:k], k
        return PackedForest(forest)

    low, high, best = 1, len(trees), None
    while low <= high:
        middle = (low + high) // 2
        candidate = packed(middle)
        if model_size_bytes(candidate) <= max_bytes:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    if best is None:
        raise ValueError("not even one tree fits the budget")
    return best
