"""Fills missing values with the column means of all rows before splitting: the test rows shape the
values the model trains on."""

FAILS = {"l1_preprocessing"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.model_selection import train_test_split


def split_data(X, y, test_size=0.2, random_state=42):
    X = X.fillna(X.mean())
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    return X_train, X_test, y_train, y_test
