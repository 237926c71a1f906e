"""Correct: linear-interpolation percentiles written by hand (sorted list, fractional rank), no numpy."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import math


def percentile_summary(latencies_ms):
    values = sorted(float(v) for v in latencies_ms)
    if not values:
        raise LookupError("no latencies recorded yet")

    def linear(p):
        rank = p / 100 * (len(values) - 1)
        low, high = math.floor(rank), math.ceil(rank)
        return values[low] + (values[high] - values[low]) * (rank - low)

    return {"p50": linear(50), "p95": linear(95), "p99": linear(99)}
