"""One message per bad value, row by row: hundreds of lines that bury the signal."""

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
    for index, row in df.iterrows():
        for column in [c for c in COLUMNS if c in df.columns]:
            value = row[column]
            if pd.isna(value):
                problems.append(f"row {index}: {column} is missing (1 value)")
            elif column == "contract":
                if value not in CONTRACTS:
                    problems.append(f"row {index}: {column} {value!r} is unknown (1 value)")
            else:
                number = pd.to_numeric(value, errors="coerce")
                if pd.isna(number):
                    problems.append(f"row {index}: {column} {value!r} is not a number (1 value)")
                elif column in RANGES and not RANGES[column][0] <= number <= RANGES[column][1]:
                    problems.append(f"row {index}: {column} {number} is out of range (1 value)")
                elif column == "churned" and number not in (0, 1):
                    problems.append(f"row {index}: {column} {number} is not 0/1 (1 value)")
    for index in df.index[df.duplicated()]:
        problems.append(f"row {index}: duplicate row (1 of them)")
    return problems
