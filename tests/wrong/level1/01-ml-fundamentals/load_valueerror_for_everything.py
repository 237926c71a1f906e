"""load_model turns every error into ValueError, a missing file included."""

FAILS = {"l1_serialization"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import pickle


def load_model(path):
    try:
        with open(path, "rb") as f:
            model = pickle.load(f)
    except Exception as exc:
        raise ValueError(f"could not load a model from {path}: {exc}") from exc
    if not hasattr(model, "predict"):
        raise ValueError(f"{path} does not hold a model")
    return model
