"""load_model checks for a missing file but lets pickle's own errors (UnpicklingError, EOFError)
through for a damaged one."""

FAILS = {"l1_serialization"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import os
import pickle


def load_model(path):
    if not os.path.exists(path):
        raise FileNotFoundError(f"no model file at {path}")
    with open(path, "rb") as f:
        return pickle.load(f)
