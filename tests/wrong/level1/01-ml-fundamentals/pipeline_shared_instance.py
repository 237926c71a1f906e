"""Builds the pipeline once and hands the same object to every caller, so one caller's fit changes
what the next one gets."""

FAILS = {"l1_model"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def build_pipeline(random_state=42):
    if not hasattr(build_pipeline, "cached"):
        build_pipeline.cached = Pipeline(
            [
                ("imputer", SimpleImputer(strategy="median")),
                ("scaler", StandardScaler()),
                ("model", RandomForestClassifier(n_estimators=100, random_state=random_state)),
            ]
        )
    return build_pipeline.cached
