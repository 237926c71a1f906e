"""Finds a deployment by its id alone: any tenant that knows (or guesses) an id can use that model."""

FAILS = {"l3_multi_tenancy"}


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, one method changed
    def _deployment(self, tenant_id, deployment_id):
        self._tenant(tenant_id)
        deployment = self.deployments.get(deployment_id)
        if deployment is None:
            raise LookupError(f"no deployment {deployment_id!r}")
        return deployment
