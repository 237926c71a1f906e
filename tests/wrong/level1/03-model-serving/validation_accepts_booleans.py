"""Tests values with isinstance(value, (int, float)): True and False are ints in Python, so
JSON booleans are accepted as 1.0 and 0.0."""

FAILS = {"l1_input_validation"}
# ruff: noqa: E402, F821 (FAILS comes first; read_rows comes from the notebook)

import math


def read_rows(payload, n_features=30, max_rows=1000):
    if not isinstance(payload, dict):
        raise ValueError("the body must be a JSON object")
    has_single, has_batch = "features" in payload, "instances" in payload
    if has_single == has_batch:
        raise ValueError('send exactly one of "features" or "instances"')

    def read_row(values, where):
        if not isinstance(values, list) or len(values) != n_features:
            raise ValueError(f"{where} must be a list of {n_features} numbers")
        row = []
        for i, value in enumerate(values):
            if not isinstance(value, int | float):
                raise ValueError(f"{where}: value {i} is not a number")
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(f"{where}: value {i} is not a finite number")
            row.append(value)
        return row

    if has_single:
        return [read_row(payload["features"], "features")], False
    instances = payload["instances"]
    if not isinstance(instances, list) or not instances:
        raise ValueError('"instances" must be a non-empty list of rows')
    if len(instances) > max_rows:
        raise ValueError(f'"instances" has more than {max_rows} rows')
    return [read_row(values, f"row {i}") for i, values in enumerate(instances)], True
