"""Leaves the grants out of the snapshot: after a restore nobody may deploy."""

FAILS = {"l3_disaster_recovery"}


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, one method changed
    def _state(self):
        state = super()._state()
        for tenant in state["tenants"].values():
            tenant["grants"] = {}
        return state
