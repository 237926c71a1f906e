"""Reads the binary suffixes Ki, Mi, Gi as powers of 1000, like k, M, G: a 1Gi model fits a 1G quota."""

FAILS = {"l3_resource_management"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import re
from decimal import ROUND_CEILING, Decimal

UNITS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
         "Ki": 10**3, "Mi": 10**6, "Gi": 10**9, "Ti": 10**12}


def parse_memory(quantity):
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?", str(quantity).strip())
    if match is None:
        raise ValueError(f"not a memory quantity: {quantity!r}")
    value = Decimal(match[1]) * UNITS[match[2] or ""]
    return int(value.to_integral_value(rounding=ROUND_CEILING))
