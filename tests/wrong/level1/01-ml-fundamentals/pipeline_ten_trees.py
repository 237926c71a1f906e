"""Uses 10 trees "to make it faster" instead of the n_estimators=100 the task asks for."""

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
            ("model", RandomForestClassifier(n_estimators=10, random_state=random_state)),
        ]
    )
