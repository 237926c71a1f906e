"""sha256 of str(features) plus the version: stable across processes, but [1, 2], (1.0, 2.0)
and np.array([1, 2]) print differently, so equal values get different keys (needless misses)."""

FAILS = {"l2_cache_key"}
# ruff: noqa: E402, F821, B019

import hashlib


def cache_key(features, model_version):
    return hashlib.sha256(f"{model_version}:{features}".encode()).hexdigest()
