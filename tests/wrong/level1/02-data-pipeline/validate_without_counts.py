"""Names each problem but not how many values it affects: nobody can tell 2 bad rows from 2000."""

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
        elif column == "churned" and (numbers.notna() & ~numbers.isin([0, 1])).any():
            problems.append(f"{column} has values that are not 0 or 1")
    if df.duplicated().any():
        problems.append("there are duplicate rows")
    return problems
