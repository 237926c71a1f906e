"""Correct: tenant ids checked character by character instead of with a regular expression."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import string

ALLOWED = set(string.ascii_lowercase + string.digits + "-")
ENDS = set(string.ascii_lowercase + string.digits)


def check_tenant_id(tenant_id):
    if (not isinstance(tenant_id, str) or not 1 <= len(tenant_id) <= 56
            or not set(tenant_id) <= ALLOWED or tenant_id[0] not in ENDS or tenant_id[-1] not in ENDS):
        raise ValueError(f"invalid tenant id {tenant_id!r}")
    return tenant_id


def role_allows(role, needed):
    rank = {"viewer": 1, "deployer": 2, "admin": 3}
    return rank.get(role, 0) >= rank[needed]
