"""Fills the numeric gaps with the mean: the few large business bills drag every fill value up."""

FAILS = {"l1_missing_values"}
# ruff: noqa: E402

import pandas as pd

NUMERIC_COLUMNS = ["customer_id", "age", "tenure_months", "monthly_charges", "total_charges",
                   "churned"]
RANGES = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
          "total_charges": (0, 1_000_000)}
CONTRACTS = ["month-to-month", "one-year", "two-year"]


def clean(df):
    out = df.drop_duplicates().copy()
    for column in NUMERIC_COLUMNS:
        out[column] = pd.to_numeric(out[column], errors="coerce")
    bad = out["customer_id"].isna() | ~out["churned"].isin([0, 1])
    for column, (low, high) in RANGES.items():
        bad |= out[column].notna() & ~out[column].between(low, high)
    bad |= out["contract"].notna() & ~out["contract"].isin(CONTRACTS)
    out = out[~bad].copy()
    for column in RANGES:
        out[column] = out[column].fillna(out[column].mean())
    out["contract"] = out["contract"].fillna(out["contract"].mode().iloc[0])
    return out
