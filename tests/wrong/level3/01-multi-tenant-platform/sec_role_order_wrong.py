"""Lists the roles in the wrong order (admin below deployer): admins are refused, as if they had less power."""

FAILS = {"l3_security"}


def role_allows(role, needed):
    order = ("viewer", "admin", "deployer")
    return role in order and order.index(role) >= order.index(needed)
