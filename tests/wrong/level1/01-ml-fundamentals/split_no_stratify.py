"""Splits without stratify=y: the test set's class balance drifts away from the data's."""

FAILS = {"l1_split"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.model_selection import train_test_split


def split_data(X, y, test_size=0.2, random_state=42):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state
    )
    return X_train, X_test, y_train, y_test
