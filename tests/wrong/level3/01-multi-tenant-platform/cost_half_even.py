"""Quantizes with Decimal's default rounding (half to even): 0.885 becomes 0.88 instead of 0.89."""

FAILS = {"l3_cost_optimization"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from decimal import Decimal


def round_cents(amount):
    return Decimal(amount).quantize(Decimal("0.01"))
