"""Scales the whole dataset in load_dataset, before any split: test statistics leak into training."""

FAILS = {"l1_preprocessing"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler


def load_dataset():
    data = load_breast_cancer(as_frame=True)
    scaled = StandardScaler().fit_transform(data.data)
    return pd.DataFrame(scaled, columns=data.data.columns), data.target
