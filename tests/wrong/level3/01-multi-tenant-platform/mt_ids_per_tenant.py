"""Numbers deployments per tenant (model-1, model-2, ...) but stores them platform-wide: tenants overwrite each other's models."""

FAILS = {"l3_multi_tenancy", "l3_cost_optimization", "l3_disaster_recovery"}


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, one method changed
    def _new_deployment_id(self, tenant_id):
        mine = [d for d in self.deployments.values() if d["tenant_id"] == tenant_id]
        return f"model-{len(mine) + 1}"
