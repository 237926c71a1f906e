"""Stores np.round(weights).astype(np.int8): integers indeed, but without a scale almost every
trained weight (much smaller than 1) becomes 0, and the network forgets what it learned."""

FAILS = {"l3_implementation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import numpy as np


def quantize_array(weights, bits=8):
    return np.round(weights).astype(np.int8), 1.0, 0
