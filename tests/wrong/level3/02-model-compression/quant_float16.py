"""Stores the weights as float16 with no scale or zero point: half precision is close enough for
the predictions, but it is not 8-bit integer storage and takes twice its bytes."""

FAILS = {"l3_implementation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np


class QuantizedMLP:
    ACTIVATIONS = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0),
                   "tanh": np.tanh, "logistic": lambda z: 1 / (1 + np.exp(-z))}

    def __init__(self, model, bits=8):
        self.classes_ = np.array(model.classes_)
        self.activation = model.activation
        self.layers = [(w.astype(np.float16), b.astype(np.float16))
                       for w, b in zip(model.coefs_, model.intercepts_)]

    def predict(self, X):
        a = np.asarray(X, dtype=np.float64)
        for i, (w, b) in enumerate(self.layers):
            a = a @ w.astype(np.float64) + b
            if i < len(self.layers) - 1:
                a = self.ACTIVATIONS[self.activation](a)
        if a.shape[1] == 1:
            return self.classes_[(a[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(a, axis=1)]
