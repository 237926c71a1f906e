"""Converts total_charges to numbers while reading: the stray text vanishes before validate sees it."""

FAILS = {"l1_extract"}
# ruff: noqa: E402

from pathlib import Path

import pandas as pd


def extract(path):
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"raw data file not found: {path}")
    if path.stat().st_size == 0:
        raise ValueError(f"raw data file is empty: {path}")
    df = pd.read_csv(path)
    df["total_charges"] = pd.to_numeric(df["total_charges"], errors="coerce")
    return df
