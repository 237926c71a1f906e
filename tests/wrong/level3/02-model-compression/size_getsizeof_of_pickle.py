"""Measures sys.getsizeof(pickle.dumps(model)): the bytes object's header is counted too, so
every size is a few dozen bytes too large, and the default protocol is not necessarily 5."""

FAILS = {"l3_novel_approach"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import pickle
import sys


def model_size_bytes(model) -> int:
    return sys.getsizeof(pickle.dumps(model))
