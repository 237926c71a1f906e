"""Imputes first, then drops duplicates and quarantines: duplicated rows and impossible values
shape the medians."""

FAILS = {"l1_missing_values"}
# ruff: noqa: E402

import pandas as pd

NUMERIC_COLUMNS = ["customer_id", "age", "tenure_months", "monthly_charges", "total_charges",
                   "churned"]
RANGES = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
          "total_charges": (0, 1_000_000)}
CONTRACTS = ["month-to-month", "one-year", "two-year"]


def clean(df):
    out = df.copy()
    for column in NUMERIC_COLUMNS:
        out[column] = pd.to_numeric(out[column], errors="coerce")
    for column in RANGES:
        out[column] = out[column].fillna(out[column].median())
    out["contract"] = out["contract"].fillna(out["contract"].mode().iloc[0])
    out = out.drop_duplicates()
    bad = out["customer_id"].isna() | ~out["churned"].isin([0, 1])
    for column, (low, high) in RANGES.items():
        bad |= ~out[column].between(low, high)
    bad |= ~out["contract"].isin(CONTRACTS)
    return out[~bad].copy()
