"""Keeps one list of latencies for the whole platform: every tenant gets everybody's percentiles."""

FAILS = {"l3_performance_monitoring"}


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, two methods changed
    def record_latency(self, tenant_id, ms):
        self._tenant(tenant_id)
        self.__dict__.setdefault("all_latencies", []).append(float(ms))

    def latency_percentiles(self, tenant_id):
        self._tenant(tenant_id)
        return percentile_summary(self.__dict__.get("all_latencies", []))  # noqa: F821
