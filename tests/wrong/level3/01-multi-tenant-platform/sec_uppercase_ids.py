"""Accepts upper-case letters in tenant ids: "Acme" and "acme" become two tenants, and neither is a valid namespace."""

FAILS = {"l3_security"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import re


def check_tenant_id(tenant_id):
    if not isinstance(tenant_id, str) or not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,54}[A-Za-z0-9])?", tenant_id):
        raise ValueError(f"invalid tenant id {tenant_id!r}")
    return tenant_id
