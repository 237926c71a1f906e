"""Reports the slowest request as p99."""

FAILS = {"l3_performance_monitoring"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import numpy as np


def percentile_summary(latencies_ms):
    values = np.asarray(list(latencies_ms), dtype=float)
    if values.size == 0:
        raise LookupError("no latencies recorded yet")
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)),
            "p99": float(values.max())}
