"""Strips the m suffix and keeps the number: "500m" becomes 500 cores instead of half a core."""

FAILS = {"l3_resource_management"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)


def millicores(quantity):
    text = str(quantity).strip()
    try:
        cores = float(text.rstrip("m"))
    except ValueError:
        raise ValueError(f"not a CPU quantity: {quantity!r}") from None
    return int(round(cores * 1000))
