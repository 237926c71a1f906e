"""Always reports something: a line per column even when its count is zero, so clean data 'fails'."""

FAILS = {"l1_validation"}
# ruff: noqa: E402

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
        if column in RANGES:
            low, high = RANGES[column]
            outside = int(((numbers < low) | (numbers > high)).sum())
            if outside:
                problems.append(f"{column}: {outside} values outside {low}-{high}")
        elif column == "churned":
            outside = int((numbers.notna() & ~numbers.isin([0, 1])).sum())
            if outside:
                problems.append(f"{column}: {outside} values that are not 0 or 1")
    if df.duplicated().sum():
        problems.append(f"{int(df.duplicated().sum())} duplicate rows")
    return problems
