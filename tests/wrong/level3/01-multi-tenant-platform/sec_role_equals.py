"""Checks role == needed instead of the role order: an admin may not deploy."""

FAILS = {"l3_security"}


def role_allows(role, needed):
    return role == needed
