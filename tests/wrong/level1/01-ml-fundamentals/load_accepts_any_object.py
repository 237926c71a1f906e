"""load_model returns whatever the pickle holds, even when it is not a model (no predict method)."""

FAILS = {"l1_serialization"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import os
import pickle


def load_model(path):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no model file at {path}")
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception as exc:
        raise ValueError(f"{path} is not a readable model file") from exc
