"""load_model swallows every error and returns None: the caller fails later, far from the cause."""

FAILS = {"l1_serialization"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import pickle


def load_model(path):
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:
        return None
