"""build_pipeline fits the pipeline on the whole dataset before returning it, instead of leaving the
fitting to the caller."""

FAILS = {"l1_model"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def build_pipeline(random_state=42):
    pipe = Pipeline(
        [
            ("imputer", SimpleImputer(strategy="median")),
            ("scaler", StandardScaler()),
            ("model", RandomForestClassifier(n_estimators=100, random_state=random_state)),
        ]
    )
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return pipe.fit(X, y)
