"""Reads candidate[metric] directly: a candidate without the metric crashes the pipeline with a KeyError."""

FAILS = {"l2_promotion_gate"}
# ruff: noqa: E402, E501


def promotion_gate(candidate, production, *, metric="accuracy", higher_is_better=True, min_delta=0.0):
    if not production:
        return True
    if higher_is_better:
        return candidate[metric] > production[metric] + min_delta
    return candidate[metric] < production[metric] - min_delta
