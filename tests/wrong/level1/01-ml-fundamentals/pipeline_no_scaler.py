"""Imputes but never scales ("forests don't need it"), so the pipeline is not the template the task asks for."""

FAILS = {"l1_preprocessing"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline


def build_pipeline(random_state=42):
    return Pipeline(
        [
            ("imputer", SimpleImputer(strategy="median")),
            ("model", RandomForestClassifier(n_estimators=100, random_state=random_state)),
        ]
    )
