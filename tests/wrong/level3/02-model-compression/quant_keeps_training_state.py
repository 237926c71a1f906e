"""Quantizes a copy of the estimator to int8 but keeps everything else it carries, including the
training state: the Adam optimizer's two moment estimates per weight and the _best_coefs copy,
all float64, three times the weights' bytes."""

FAILS = {"l3_implementation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import copy

import numpy as np
from sklearn.neural_network import MLPClassifier


class Int8Estimator(MLPClassifier):
    def predict(self, X):
        restored = copy.copy(self)
        restored.__class__ = MLPClassifier
        restored.coefs_ = [scale * (q.astype(np.float64) - zero) for q, scale, zero in self.int8_coefs_]
        return restored.predict(X)


def quantize_mlp(model, bits=8):
    quantized = copy.copy(model)
    quantized.__class__ = Int8Estimator
    layers = []
    for w in model.coefs_:
        low, high = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
        scale = (high - low) / 255 or 1.0
        zero = int(round(-128 - low / scale))
        layers.append((np.clip(np.round(w / scale) + zero, -128, 127).astype(np.int8), scale, zero))
    quantized.int8_coefs_ = layers
    quantized.coefs_ = None
    return quantized
