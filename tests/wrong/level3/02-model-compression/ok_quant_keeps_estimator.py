"""A correct answer written differently: quantize_mlp returns a copy of the MLPClassifier itself,
its weight matrices stored as int8 with a scale and zero point each, predicting through
scikit-learn's own forward pass. It drops the training state (the Adam moments and the
_best_coefs copy) but keeps the estimator's other fitted attributes: its loss curve and random
state, about 8 kB that a bound of 0.2 x the float64 weights did not leave room for."""

FAILS = set()
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import copy

import numpy as np
from sklearn.neural_network import MLPClassifier


class Int8Estimator(MLPClassifier):
    """An MLPClassifier whose coefs_ live as (int8 matrix, scale, zero point) between predictions."""

    def predict(self, X):
        restored = copy.copy(self)
        restored.__class__ = MLPClassifier
        restored.coefs_ = [scale * (q.astype(np.float64) - zero) for q, scale, zero in self.int8_coefs_]
        return restored.predict(X)


def quantize_mlp(model, bits=8):
    quantized = copy.copy(model)  # shares nothing it changes: every attribute below is replaced
    quantized.__class__ = Int8Estimator
    layers = []
    for w in model.coefs_:
        low, high = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
        scale = (high - low) / 255 or 1.0
        zero = int(round(-128 - low / scale))
        layers.append((np.clip(np.round(w / scale) + zero, -128, 127).astype(np.int8), scale, zero))
    quantized.int8_coefs_ = layers
    quantized.coefs_ = None
    for training_state in ("_optimizer", "_best_coefs", "_best_intercepts"):
        if hasattr(quantized, training_state):
            setattr(quantized, training_state, None)
    return quantized
