"""Always compares accuracy, whatever metric is named."""

FAILS = {"l2_promotion_gate"}
# ruff: noqa: E402, E501


def promotion_gate(candidate, production, *, metric="accuracy", higher_is_better=True, min_delta=0.0):
    if metric not in candidate:
        return False
    if not production:
        return True
    if higher_is_better:
        return candidate.get("accuracy", 0) > production.get("accuracy", 0) + min_delta
    return candidate.get("accuracy", 0) < production.get("accuracy", 0) - min_delta
