"""Drops duplicate rows while reading: the raw rows are lost and the summary counts no duplicates."""

FAILS = {"l1_extract", "l1_logging"}
# ruff: noqa: E402

from pathlib import Path

import pandas as pd


def extract(path):
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"raw data file not found: {path}")
    if path.stat().st_size == 0:
        raise ValueError(f"raw data file is empty: {path}")
    return pd.read_csv(path).drop_duplicates()
