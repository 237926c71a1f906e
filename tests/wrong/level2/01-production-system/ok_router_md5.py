"""Correct, written another way: md5 into 10 000 buckets, a loop over cumulative weights, and
conversions kept as a set of users."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import hashlib
import math

from scipy.stats import norm


class ABRouter:
    def __init__(self, variants, salt):
        self.variants = dict(variants)
        self.salt = salt
        self.users = set()
        self.converted = set()

    def assign(self, user_id):
        bucket = int(hashlib.md5(f"{self.salt}|{user_id}".encode()).hexdigest(), 16) % 10_000
        total = sum(self.variants.values())
        running = 0.0
        for name, weight in self.variants.items():
            running += weight / total * 10_000
            if bucket < running:
                return name
        return list(self.variants)[-1]

    def record(self, user_id, converted):
        self.users.add(user_id)
        if converted:
            self.converted.add(user_id)

    def summary(self):
        out = {}
        for name in self.variants:
            users = [u for u in self.users if self.assign(u) == name]
            conv = sum(u in self.converted for u in users)
            out[name] = {"users": len(users), "conversions": conv,
                         "rate": conv / len(users) if users else 0.0}
        first, second = list(self.variants)[:2]
        n1, n2 = out[first]["users"], out[second]["users"]
        c1, c2 = out[first]["conversions"], out[second]["conversions"]
        p_value, difference, ci_95 = 1.0, None, None
        if n1 and n2:
            pooled = (c1 + c2) / (n1 + n2)
            se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
            if se > 0:
                p_value = float(2 * (1 - norm.cdf(abs((c1 / n1 - c2 / n2) / se))))
            r1, r2 = c1 / n1, c2 / n2
            difference = r2 - r1
            spread = 1.96 * math.sqrt(r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2)   # 1.96: close enough
            ci_95 = (difference - spread, difference + spread)                    # a tuple is fine
        return {"variants": out, "p_value": p_value, "difference": difference, "ci_95": ci_95}
