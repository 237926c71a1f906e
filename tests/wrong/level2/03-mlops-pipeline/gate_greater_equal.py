"""Promotes on a tie (>=): a model that is merely as good replaces production."""

FAILS = {"l2_promotion_gate"}
# ruff: noqa: E402, E501


def promotion_gate(candidate, production, *, metric="accuracy", higher_is_better=True, min_delta=0.0):
    if metric not in candidate:
        return False
    if not production:
        return True
    if higher_is_better:
        return candidate[metric] >= production[metric] + min_delta
    return candidate[metric] <= production[metric] - min_delta
