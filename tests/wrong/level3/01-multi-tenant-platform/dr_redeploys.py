"""Restores by re-creating every tenant and deploying the models again: the deployments get new ids."""

FAILS = {"l3_disaster_recovery"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import pickle
from pathlib import Path


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, one method changed
    @classmethod
    def restore(cls, path, state_dir):
        state = pickle.loads(Path(path).read_bytes())
        platform = cls(state_dir, cpu_hour_price=state["prices"]["cpu"],
                       gib_hour_price=state["prices"]["gib"])
        for tenant_id, tenant in state["tenants"].items():
            platform.create_tenant(tenant_id, tenant["config"])
            for user, role in tenant["grants"].items():
                platform.grant(tenant_id, user, role)
            usage = tenant["usage"]
            platform.record_usage(tenant_id, usage["cpu"], usage["gib"])
        for deployment in state["deployments"].values():
            tenant_id = deployment["tenant_id"]
            admin = next(user for user, role in state["tenants"][tenant_id]["grants"].items()
                         if role in ("deployer", "admin"))
            platform.deploy_model(tenant_id, admin, {"model": deployment["model"],
                                                     "cpu": f"{deployment['cpu_m']}m",
                                                     "memory": str(deployment["memory"])})
        return platform
