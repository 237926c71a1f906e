"""Compares with < instead of <=: a deployment that fills the quota exactly is refused."""

FAILS = {"l3_resource_management"}


def within_quota(used, requested, limit):
    return limit is None or used + requested < limit
