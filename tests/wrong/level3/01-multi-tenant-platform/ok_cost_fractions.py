"""Correct: usage kept as exact fractions, the cost rounded half up with integer arithmetic."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import math
from fractions import Fraction

import pandas as pd


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, two methods changed
    def record_usage(self, tenant_id, cpu_hours, memory_gib_hours):
        usage = self._tenant(tenant_id)["usage"]
        usage["cpu"] = Fraction(usage["cpu"]) + Fraction(str(cpu_hours))
        usage["gib"] = Fraction(usage["gib"]) + Fraction(str(memory_gib_hours))
        self.audit.append("metering", "record_usage", tenant_id, cpu_hours=str(cpu_hours),
                          memory_gib_hours=str(memory_gib_hours))

    def cost_report(self):
        rows = []
        for tenant_id in sorted(self.tenants):
            usage = self.tenants[tenant_id]["usage"]
            total = (Fraction(usage["cpu"]) * Fraction(str(self.prices["cpu"]))
                     + Fraction(usage["gib"]) * Fraction(str(self.prices["gib"])))
            cents = math.floor(total * 100 + Fraction(1, 2))
            rows.append({"tenant_id": tenant_id, "cpu_hours": float(usage["cpu"]),
                         "memory_gib_hours": float(usage["gib"]), "cost": cents / 100})
        return pd.DataFrame(rows, columns=["tenant_id", "cpu_hours", "memory_gib_hours", "cost"])
