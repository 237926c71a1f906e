"""course.datasets.make_raw_customers: deterministic, messy in every planted way, clean otherwise."""

from __future__ import annotations

import pandas as pd
import pytest

from course.datasets import (
    CONTRACTS,
    CUSTOMER_COLUMNS,
    CUSTOMER_RANGES,
    make_raw_customers,
)

SEEDS = [0, 1, 7, 2024, 31337]


def read(n: int, seed: int, tmp_path) -> pd.DataFrame:
    path = make_raw_customers(n, seed, tmp_path / f"raw-{n}-{seed}.csv")
    return pd.read_csv(path)


def test_returns_the_path_and_is_deterministic(tmp_path):
    first = make_raw_customers(200, 5, tmp_path / "a" / "raw.csv")
    second = make_raw_customers(200, 5, str(tmp_path / "b.csv"))
    assert first == tmp_path / "a" / "raw.csv"
    assert first.read_bytes() == second.read_bytes()


def test_different_seeds_differ(tmp_path):
    a = make_raw_customers(200, 1, tmp_path / "a.csv").read_bytes()
    b = make_raw_customers(200, 2, tmp_path / "b.csv").read_bytes()
    assert a != b


def test_too_small_is_refused(tmp_path):
    with pytest.raises(ValueError, match="n >= 40"):
        make_raw_customers(10, 0, tmp_path / "x.csv")


@pytest.mark.parametrize("n", [40, 300, 2000])
@pytest.mark.parametrize("seed", SEEDS)
def test_every_planted_problem_is_present(tmp_path, n, seed):
    df = read(n, seed, tmp_path)
    assert list(df.columns) == CUSTOMER_COLUMNS
    assert len(df) == n
    assert df.duplicated().sum() >= 2
    for column in ["age", "monthly_charges", "total_charges", "contract"]:
        assert df[column].isna().sum() >= 2, column
    text = df["total_charges"]
    numbers = pd.to_numeric(text, errors="coerce")
    assert (numbers.isna() & text.notna()).sum() >= 3
    for column in ["age", "tenure_months"]:
        low, high = CUSTOMER_RANGES[column]
        assert ((df[column] < low) | (df[column] > high)).sum() >= 2, column
    assert (df["contract"].notna() & ~df["contract"].isin(CONTRACTS)).sum() >= 2
    # never planted: missing ids or labels
    assert df["customer_id"].dtype.kind == "i"
    assert df["churned"].notna().all()


@pytest.mark.parametrize("seed", SEEDS)
def test_the_clean_rows_are_in_range(tmp_path, seed):
    df = read(500, seed, tmp_path).drop_duplicates()
    assert df["customer_id"].is_unique
    assert set(df["churned"]) == {0, 1}
    numbers = df.assign(total_charges=pd.to_numeric(df["total_charges"], errors="coerce"))
    for column, (low, high) in CUSTOMER_RANGES.items():
        values = numbers[column].dropna()
        inside = values.between(low, high)
        assert inside.mean() > 0.95, column
    assert (numbers["tenure_months"] == 0).sum() >= 2  # a ratio by tenure must handle zero
    assert numbers["monthly_charges"].mean() > numbers["monthly_charges"].median()  # skewed
    known = df["contract"].dropna()
    assert known.isin(CONTRACTS).mean() > 0.95
