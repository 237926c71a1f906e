"""Hashes a canonical JSON text with Python's hash(): equal values share a key and long arrays
do not collide, but hash() of a str is salted per process, so another worker (or a fresh
process with another PYTHONHASHSEED) computes another key and the shared cache never hits."""

FAILS = {"l2_cache_key"}
# ruff: noqa: E402, F821, B019

import json

import numpy as np


def cache_key(features, model_version):
    values = [float(v) for v in np.asarray(features, dtype=float).ravel()]
    return str(hash(json.dumps(values) + "|" + str(model_version)))
