"""No imputer: the pipeline only scales, and relies on the forest's own NaN handling."""

FAILS = {"l1_preprocessing"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def build_pipeline(random_state=42):
    return Pipeline(
        [
            ("scaler", StandardScaler()),
            ("model", RandomForestClassifier(n_estimators=100, random_state=random_state)),
        ]
    )
