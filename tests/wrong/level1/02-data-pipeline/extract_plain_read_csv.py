"""The seed's pd.read_csv alone: an empty file raises EmptyDataError without naming the file."""

FAILS = {"l1_extract"}
# ruff: noqa: E402

import pandas as pd


def extract(path):
    return pd.read_csv(path)
