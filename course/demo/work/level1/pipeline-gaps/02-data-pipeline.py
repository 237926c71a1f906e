"""A learner whose pipeline runs but is not production-ready yet: validation messages without
counts, a non-atomic write, NaN left where tenure is 0, and print instead of logging. They have
not started the serving notebook (03-model-serving.untouched)."""

from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ["customer_id", "age", "tenure_months", "monthly_charges", "total_charges",
           "contract", "churned"]
RANGES = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
          "total_charges": (0, 1_000_000)}
CONTRACTS = ["month-to-month", "one-year", "two-year"]


def validate(df):
    problems = [f"{c}: the column is missing" for c in COLUMNS if c not in df.columns]
    for column in [c for c in COLUMNS if c in df.columns]:
        values = df[column]
        if values.isna().any():
            problems.append(f"{column} has missing values")
        if column == "contract":
            if (values.notna() & ~values.isin(CONTRACTS)).any():
                problems.append(f"{column} has unknown values")
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        if (values.notna() & numbers.isna()).any():
            problems.append(f"{column} has text values")
        if column in RANGES:
            if ((numbers < RANGES[column][0]) | (numbers > RANGES[column][1])).any():
                problems.append(f"{column} has values out of range")
    if df.duplicated().any():
        problems.append("there are duplicate rows")
    return problems


def engineer_features(df):
    out = df.copy()
    out["tenure_squared"] = out["tenure_months"] ** 2
    out["charges_per_month"] = out["total_charges"] / out["tenure_months"].replace(0, np.nan)
    return out


def load(df, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        df.to_csv(f, index=False)


def run_pipeline(raw_path, out_path):
    raw = extract(raw_path)  # noqa: F821 -- the learner's own functions
    print(f"extract: {len(raw)} rows")
    for problem in validate(raw):
        print("problem:", problem)
    deduped = raw.drop_duplicates()
    cleaned = clean(raw)  # noqa: F821
    coerced = deduped.loc[cleaned.index, list(RANGES)].apply(pd.to_numeric, errors="coerce")
    imputed = int(coerced.isna().sum().sum() + deduped.loc[cleaned.index, "contract"].isna().sum())
    print(f"clean: {len(cleaned)} rows")
    features = engineer_features(cleaned)
    load(features, out_path)
    print(f"load: {len(features)} rows written")
    return {"rows_in": len(raw), "rows_out": len(cleaned), "values_imputed": imputed,
            "duplicates_dropped": len(raw) - len(deduped),
            "rows_quarantined": len(deduped) - len(cleaned)}
