"""sha256 of str() of the values as a float array: containers and numeric types agree, but
numpy elides the middle of arrays over 1 000 values, so two different long inputs print
alike, share a key, and one caller gets another's prediction."""

FAILS = {"l2_cache_key"}
# ruff: noqa: E402, F821, B019

import hashlib

import numpy as np


def cache_key(features, model_version):
    text = str(np.asarray(features, dtype=np.float64).ravel())
    return hashlib.sha256(f"{model_version}:{text}".encode()).hexdigest()
