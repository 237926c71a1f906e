"""load_model raises the right exceptions, but the ValueError does not say which file is damaged."""

FAILS = {"l1_serialization"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import os
import pickle


def load_model(path):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no model file at {path}")
    try:
        with open(path, "rb") as f:
            model = pickle.load(f)
    except Exception as exc:
        raise ValueError("the model file is corrupt") from exc
    if not hasattr(model, "predict"):
        raise ValueError("the model file is corrupt")
    return model
