"""Avoids inf by dividing by tenure with zeros replaced by NaN, and leaves the NaN in place."""

FAILS = {"l1_features"}
# ruff: noqa: E402

import numpy as np


def engineer_features(df):
    out = df.copy()
    out["tenure_squared"] = out["tenure_months"] ** 2
    out["charges_per_month"] = out["total_charges"] / out["tenure_months"].replace(0, np.nan)
    return out
