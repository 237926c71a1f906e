"""Hard-codes random_state=42 in the forest, ignoring build_pipeline's argument."""

FAILS = {"l1_model"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def build_pipeline(random_state=42):
    return Pipeline(
        [
            ("imputer", SimpleImputer(strategy="median")),
            ("scaler", StandardScaler()),
            ("model", RandomForestClassifier(n_estimators=100, random_state=42)),
        ]
    )
