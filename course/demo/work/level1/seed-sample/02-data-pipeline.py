"""The seed's sample answer cut into the API: read_csv as is, no validation, mean imputation of
every numeric column (ids and labels included) before anything else, an unguarded ratio, to_csv
onto the target, no logging."""

FAILS = {"l1_extract", "l1_validation", "l1_missing_values", "l1_features", "l1_persistence",
         "l1_error_handling", "l1_logging"}
# ruff: noqa: E402

import pandas as pd
from sklearn.impute import SimpleImputer


def extract(path):
    return pd.read_csv(path)


def validate(df):
    return []


def clean(df):
    numeric = df.select_dtypes("number").columns
    out = df.copy()
    out[numeric] = SimpleImputer(strategy="mean").fit_transform(df[numeric])
    out["total_charges"] = pd.to_numeric(out["total_charges"], errors="coerce")
    out["total_charges"] = out["total_charges"].fillna(out["total_charges"].mean())
    out["contract"] = out["contract"].fillna("month-to-month")
    return out


def engineer_features(df):
    df["tenure_squared"] = df["tenure_months"] ** 2
    df["charges_per_month"] = df["total_charges"] / df["tenure_months"]
    return df


def load(df, path):
    df.to_csv(path, index=False)


def run_pipeline(raw_path, out_path):
    df = extract(raw_path)
    df = clean(df)
    df = engineer_features(df)
    load(df, out_path)
    return {"rows_in": len(df), "rows_out": len(df), "values_imputed": 0,
            "duplicates_dropped": 0, "rows_quarantined": 0}
