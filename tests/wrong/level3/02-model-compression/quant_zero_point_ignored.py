"""Quantizes to unsigned 8-bit integers (0..255) with a scale and a zero point, but dequantizes as
scale * q, forgetting to subtract the zero point: every weight of a layer is shifted by about
128 steps and the predictions drift away from the original's."""

FAILS = {"l3_implementation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np


class QuantizedMLP:
    ACTIVATIONS = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0),
                   "tanh": np.tanh, "logistic": lambda z: 1 / (1 + np.exp(-z))}

    def __init__(self, model, bits=8):
        self.classes_ = np.array(model.classes_)
        self.activation = model.activation
        self.layers = []
        for w, b in zip(model.coefs_, model.intercepts_):
            low, high = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
            scale = (high - low) / 255 or 1.0
            zero_point = int(round(-low / scale))
            q = np.clip(np.round(w / scale) + zero_point, 0, 255).astype(np.uint8)
            self.layers.append((q, scale, zero_point, b.astype(np.float32)))

    def predict(self, X):
        a = np.asarray(X, dtype=np.float64)
        for i, (q, scale, zero_point, bias) in enumerate(self.layers):
            a = a @ (q.astype(np.float64) * scale) + bias
            if i < len(self.layers) - 1:
                a = self.ACTIVATIONS[self.activation](a)
        if a.shape[1] == 1:
            return self.classes_[(a[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(a, axis=1)]
