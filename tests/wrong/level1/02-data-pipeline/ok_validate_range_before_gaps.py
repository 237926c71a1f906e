"""Not a mistake: validate checks each column's range before its gaps, and writes ranges as
"[0, 1]". A report such as "churned: 2 value(s) not in [0, 1]" followed by "churned: 1 missing
value(s)" names every problem once with its count, whatever order the messages come in.
Keeps every criterion (messages are matched to problems as an assignment, not first come, first served)."""

FAILS = set()
# ruff: noqa: E402, F821

import pandas as pd


def validate(df):
    limits = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
              "total_charges": (0, 1_000_000), "churned": (0, 1)}
    problems = [f"{column}: column not found" for column in COLUMNS if column not in df.columns]
    for column in [c for c in COLUMNS if c in df.columns]:
        values = df[column]
        if column == "contract":
            unknown = int((values.notna() & ~values.isin(CONTRACTS)).sum())
            if unknown:
                problems.append(f"{column}: {unknown} value(s) not in {CONTRACTS}")
        else:
            numbers = pd.to_numeric(values, errors="coerce")
            low, high = limits.get(column, (None, None))
            if column == "churned":
                outside = int((numbers.notna() & ~numbers.isin([0, 1])).sum())
            elif low is not None:
                outside = int(((numbers < low) | (numbers > high)).sum())
            else:
                outside = 0
            if outside:
                problems.append(f"{column}: {outside} value(s) not in [{low}, {high}]")
            text = int((values.notna() & numbers.isna()).sum())
            if text:
                problems.append(f"{column}: {text} value(s) that are not numbers")
        missing = int(values.isna().sum())
        if missing:
            problems.append(f"{column}: {missing} missing value(s)")
    duplicates = int(df.duplicated().sum())
    if duplicates:
        problems.append(f"{duplicates} duplicate row(s)")
    return problems
