"""Never quarantines: impossible ages, tenures and contract types are kept (and shape the medians),
and the summary reports no quarantined rows."""

FAILS = {"l1_missing_values", "l1_error_handling", "l1_logging"}
# ruff: noqa: E402

import pandas as pd

NUMERIC_COLUMNS = ["customer_id", "age", "tenure_months", "monthly_charges", "total_charges",
                   "churned"]
RANGES = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
          "total_charges": (0, 1_000_000)}


def clean(df):
    out = df.drop_duplicates().copy()
    for column in NUMERIC_COLUMNS:
        out[column] = pd.to_numeric(out[column], errors="coerce")
    out = out[out["customer_id"].notna() & out["churned"].notna()].copy()
    for column in RANGES:
        out[column] = out[column].fillna(out[column].median())
    out["contract"] = out["contract"].fillna(out["contract"].mode().iloc[0])
    return out
