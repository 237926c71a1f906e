"""A different canonical encoding: the float64 bytes of the values (tobytes), hashed with
blake2b together with the version. Correct."""

FAILS = set()
# ruff: noqa: E402, F821, B019

import hashlib

import numpy as np


def cache_key(features, model_version):
    data = np.ascontiguousarray(np.asarray(features, dtype="<f8").ravel()).tobytes()
    digest = hashlib.blake2b(data, digest_size=20, key=str(model_version).encode()[:64])
    return f"p:{model_version}:{digest.hexdigest()}"
