"""Adds CPU requests as float cores: three 100m deployments (0.30000000000000004) overflow a 300m quota."""

FAILS = {"l3_resource_management"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import re


def parse_cpu(quantity):
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)(m?)", str(quantity).strip())
    if match is None:
        raise ValueError(f"not a CPU quantity: {quantity!r}")
    value = float(match[1])
    return value / 1000 if match[2] else value


def millicores(quantity):
    # the platform's sums and limits end up in float cores
    return parse_cpu(quantity)
