"""Divides total_charges by tenure_months everywhere: inf (or NaN for 0/0) where tenure is 0."""

FAILS = {"l1_features"}
# ruff: noqa: E402


def engineer_features(df):
    out = df.copy()
    out["tenure_squared"] = out["tenure_months"] ** 2
    out["charges_per_month"] = out["total_charges"] / out["tenure_months"]
    return out
