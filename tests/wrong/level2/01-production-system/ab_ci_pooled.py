"""The confidence interval of the difference reuses the pooled standard error of the z-test: that variance
describes a world without a difference, not the difference observed (the p-value is right)."""

FAILS = {"l2_ab_analysis"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import hashlib
import math

import numpy as np
from scipy.stats import norm


class ABRouter:
    """Deterministic, weighted A/B assignment with conversion tracking and a z-test."""

    def __init__(self, variants, salt):
        if not variants:
            raise ValueError("variants must name at least one variant")
        weights = np.array([float(w) for w in variants.values()])
        if (weights < 0).any() or weights.sum() <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        self.names = list(variants)
        self.salt = str(salt)
        self._upper = np.cumsum(weights) / weights.sum()  # cumulative share of each variant
        self._converted = {}  # user id -> converted at least once

    def assign(self, user_id):
        """Return the variant of user_id: the same in every call and every process."""
        digest = hashlib.sha256(f"{self.salt}:{user_id}".encode()).digest()
        u = int.from_bytes(digest[:8], "big") / 2**64  # uniform in [0, 1)
        index = int(np.searchsorted(self._upper, u, side="right"))
        return self.names[min(index, len(self.names) - 1)]

    def record(self, user_id, converted):
        """Record an outcome for user_id (a user converts if any of their records converted)."""
        self._converted[user_id] = self._converted.get(user_id, False) or bool(converted)

    def summary(self):
        """{"variants": {name: {"users", "conversions", "rate"}}, "p_value", "difference", "ci_95"}."""
        stats = {name: {"users": 0, "conversions": 0, "rate": 0.0} for name in self.names}
        for user_id, converted in self._converted.items():
            entry = stats[self.assign(user_id)]
            entry["users"] += 1
            entry["conversions"] += int(converted)
        for entry in stats.values():
            entry["rate"] = entry["conversions"] / entry["users"] if entry["users"] else 0.0
        p_value, difference, ci_95 = 1.0, None, None
        if len(self.names) >= 2:
            a, b = stats[self.names[0]], stats[self.names[1]]
            p_value = _pooled_z_test(a["conversions"], a["users"], b["conversions"], b["users"])
            if a["users"] and b["users"]:
                difference = b["rate"] - a["rate"]
                pooled = (a["conversions"] + b["conversions"]) / (a["users"] + b["users"])
                se = math.sqrt(pooled * (1 - pooled) * (1 / a["users"] + 1 / b["users"]))
                half = float(norm.ppf(0.975)) * se
                ci_95 = [difference - half, difference + half]
        return {"variants": stats, "p_value": p_value, "difference": difference, "ci_95": ci_95}


def _pooled_z_test(conv_a, n_a, conv_b, n_b):
    """Two-sided p-value of the pooled two-proportion z-test (1.0 when it is undefined)."""
    if n_a == 0 or n_b == 0:
        return 1.0
    pooled = (conv_a + conv_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if variance <= 0:
        return 1.0
    z = (conv_a / n_a - conv_b / n_b) / math.sqrt(variance)
    return float(2 * norm.sf(abs(z)))
