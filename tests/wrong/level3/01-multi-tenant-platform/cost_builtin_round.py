"""Rounds the cost with round() on a float: halves such as 2.285 (stored as 2.28499...) round down."""

FAILS = {"l3_cost_optimization"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from decimal import Decimal


def round_cents(amount):
    return Decimal(str(round(float(amount), 2)))
