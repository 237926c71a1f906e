"""A sound sha256 of the values, but the model version is left out: after a deploy the new
model serves the old model's cached answers until they expire."""

FAILS = {"l2_cache_key"}
# ruff: noqa: E402, F821, B019

import hashlib
import json

import numpy as np


def cache_key(features, model_version):
    values = [float(v) for v in np.asarray(features, dtype=float).ravel()]
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()
