"""Uses re.match with ^...$: "$" also matches before a final newline, so "acme\\n" is accepted."""

FAILS = {"l3_security"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import re


def check_tenant_id(tenant_id):
    if not isinstance(tenant_id, str) or not re.match(r"^[a-z0-9]([-a-z0-9]{0,54}[a-z0-9])?$", tenant_id):
        raise ValueError(f"invalid tenant id {tenant_id!r}")
    return tenant_id
