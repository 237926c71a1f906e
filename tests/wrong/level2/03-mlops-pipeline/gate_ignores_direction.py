"""Ignores higher_is_better: a model with a larger error is promoted."""

FAILS = {"l2_promotion_gate"}
# ruff: noqa: E402, E501


def promotion_gate(candidate, production, *, metric="accuracy", higher_is_better=True, min_delta=0.0):
    if metric not in candidate:
        return False
    if not production:
        return True
    return candidate[metric] > production[metric] + min_delta
