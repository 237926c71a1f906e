"""Keeps usage and computes costs in floats, rounding half up only at the end: 2.115 arrives as 2.1149999."""

FAILS = {"l3_cost_optimization"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from decimal import Decimal

import pandas as pd


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, two methods changed
    def record_usage(self, tenant_id, cpu_hours, memory_gib_hours):
        usage = self._tenant(tenant_id)["usage"]
        usage["cpu"] = float(usage["cpu"]) + float(cpu_hours)
        usage["gib"] = float(usage["gib"]) + float(memory_gib_hours)
        self.audit.append("metering", "record_usage", tenant_id, cpu_hours=cpu_hours,
                          memory_gib_hours=memory_gib_hours)

    def cost_report(self):
        rows = []
        for tenant_id in sorted(self.tenants):
            usage = self.tenants[tenant_id]["usage"]
            cost = (float(usage["cpu"]) * float(self.prices["cpu"])
                    + float(usage["gib"]) * float(self.prices["gib"]))
            rows.append({"tenant_id": tenant_id, "cpu_hours": float(usage["cpu"]),
                         "memory_gib_hours": float(usage["gib"]),
                         "cost": float(round_cents(Decimal(repr(cost))))})  # noqa: F821
        return pd.DataFrame(rows, columns=["tenant_id", "cpu_hours", "memory_gib_hours", "cost"])
