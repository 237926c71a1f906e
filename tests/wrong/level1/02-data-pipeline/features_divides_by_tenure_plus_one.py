"""Dodges the zero by dividing by tenure + 1: no inf, but every ratio is wrong."""

FAILS = {"l1_features"}
# ruff: noqa: E402


def engineer_features(df):
    out = df.copy()
    out["tenure_squared"] = out["tenure_months"] ** 2
    out["charges_per_month"] = out["total_charges"] / (out["tenure_months"] + 1)
    return out
