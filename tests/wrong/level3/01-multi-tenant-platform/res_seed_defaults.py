"""Keeps the seed's defaults: a tenant without cpu_limit or memory_limit gets 4 cores and 8Gi."""

FAILS = {"l3_resource_management"}


def tenant_limits(config):
    config = dict(config or {})
    return (millicores(config.get("cpu_limit", "4")),  # noqa: F821
            parse_memory(config.get("memory_limit", "8Gi")))  # noqa: F821
