"""Uses the nearest-rank percentile (the ceil(p * n)-th smallest value) instead of numpy's linear one."""

FAILS = {"l3_performance_monitoring"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import math


def percentile_summary(latencies_ms):
    values = sorted(float(v) for v in latencies_ms)
    if not values:
        raise LookupError("no latencies recorded yet")

    def rank(p):
        return values[max(math.ceil(p / 100 * len(values)), 1) - 1]

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99)}
