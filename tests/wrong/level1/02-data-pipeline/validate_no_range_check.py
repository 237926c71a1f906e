"""Reports gaps, text, unknown contracts and duplicates, but never checks the numeric ranges."""

FAILS = {"l1_validation"}
# ruff: noqa: E402

import pandas as pd

COLUMNS = ["customer_id", "age", "tenure_months", "monthly_charges", "total_charges",
           "contract", "churned"]
CONTRACTS = ["month-to-month", "one-year", "two-year"]


def validate(df):
    problems = [f"{c}: the column is missing" for c in COLUMNS if c not in df.columns]
    for column in [c for c in COLUMNS if c in df.columns]:
        values = df[column]
        if values.isna().sum():
            problems.append(f"{column}: {int(values.isna().sum())} missing values")
        if column == "contract":
            unknown = int((values.notna() & ~values.isin(CONTRACTS)).sum())
            if unknown:
                problems.append(f"{column}: {unknown} unknown values")
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        text = int((values.notna() & numbers.isna()).sum())
        if text:
            problems.append(f"{column}: {text} values that are not numbers")
    if df.duplicated().sum():
        problems.append(f"{int(df.duplicated().sum())} duplicate rows")
    return problems
