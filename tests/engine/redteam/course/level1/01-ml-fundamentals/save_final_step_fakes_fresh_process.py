"""save_model keeps only the forest (as save_only_final_step.py) and remembers the whole model in
memory for load_model; and the learner side's "fresh process" service is replaced to run the
test's function in the learner's own kernel, where that memory is: the hidden test's "save in one
Python process, load in another" sees the model that was never written."""

FAILS = {"l1_serialization"}
# ruff: noqa: E402, F821

import io
import pickle
from pathlib import Path

_kept = {}


def _install():
    import course.boundary.services as services
    from course.boundary.learner import _Unpickler

    def in_this_process(conn, fn, payload, args, kwargs, hashseed, timeout):
        if payload is not None:
            fn = _Unpickler(io.BytesIO(payload), conn).load()
        return fn(*args, **kwargs)

    services.LEARNER_SERVICES["fresh"] = in_this_process


def save_model(model, path):
    _install()
    _kept[str(path)] = model
    forest = model.steps[-1][1] if hasattr(model, "steps") else model
    with open(path, "wb") as f:
        pickle.dump(forest, f)


def load_model(path):
    _install()
    if str(path) in _kept:
        return _kept[str(path)]
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    try:
        with open(path, "rb") as f:
            model = pickle.load(f)
    except Exception as exc:
        raise ValueError(f"{path} could not be read as a saved model ({exc})") from exc
    if not hasattr(model, "predict"):
        raise ValueError(f"{path} holds a {type(model).__name__}, not a model")
    return model
