"""Keeps snapshots in a dictionary in memory and writes only a marker file: nothing survives the process."""

FAILS = {"l3_disaster_recovery"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import copy
from pathlib import Path


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, two methods changed
    _snapshots = {}

    def snapshot(self, path):
        MultiTenantPlatform._snapshots[str(path)] = copy.deepcopy(
            {"prices": self.prices, "tenants": self.tenants, "deployments": self.deployments})
        Path(path).write_text("snapshot kept in memory\n")

    @classmethod
    def restore(cls, path, state_dir):
        saved = copy.deepcopy(MultiTenantPlatform._snapshots.get(str(path)))
        if saved is None:
            raise LookupError(f"no snapshot {path}")
        platform = cls(state_dir, cpu_hour_price=saved["prices"]["cpu"],
                       gib_hour_price=saved["prices"]["gib"])
        platform.tenants, platform.deployments = saved["tenants"], saved["deployments"]
        return platform
