"""dropna() instead of imputing: every row with a gap is thrown away, and nothing is imputed."""

FAILS = {"l1_missing_values", "l1_logging"}
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
    out = out.dropna()
    bad = ~out["churned"].isin([0, 1]) | ~out["contract"].isin(CONTRACTS)
    for column, (low, high) in RANGES.items():
        bad |= ~out[column].between(low, high)
    return out[~bad].copy()
