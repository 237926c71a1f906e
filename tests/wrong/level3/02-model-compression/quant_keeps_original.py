"""Quantizes correctly, but keeps a reference to the original model for its classes and
activation: pickling the quantized object pickles the whole original too, so nothing shrinks."""

FAILS = {"l3_implementation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np


class QuantizedMLP:
    ACTIVATIONS = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0),
                   "tanh": np.tanh, "logistic": lambda z: 1 / (1 + np.exp(-z))}

    def __init__(self, model, bits=8):
        self.original = model
        self.layers = [(*quantize_array(w, bits), b.astype(np.float32))
                       for w, b in zip(model.coefs_, model.intercepts_)]

    def predict(self, X):
        a = np.asarray(X, dtype=np.float64)
        for i, (q, scale, zero_point, bias) in enumerate(self.layers):
            a = a @ ((q.astype(np.float64) - zero_point) * scale) + bias
            if i < len(self.layers) - 1:
                a = self.ACTIVATIONS[self.original.activation](a)
        classes = self.original.classes_
        if a.shape[1] == 1:
            return classes[(a[:, 0] > 0).astype(int)]
        return classes[np.argmax(a, axis=1)]
