"""Scales inside split_data (scaler fitted on the training part): the split no longer returns raw rows,
and the scaling lives outside the pipeline that gets saved and cross-validated."""

FAILS = {"l1_preprocessing"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def split_data(X, y, test_size=0.2, random_state=42):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test
