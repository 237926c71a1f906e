"""A learner who leaks test data three ways: scales the whole dataset when loading it, scales and
imputes before cross-validating only the forest, and tunes on the whole dataset."""

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler


def load_dataset():
    data = load_breast_cancer(as_frame=True)
    scaled = StandardScaler().fit_transform(data.data)
    return pd.DataFrame(scaled, columns=data.data.columns), data.target


def cross_validate_pipeline(X, y, cv=5, random_state=42):
    X_ready = StandardScaler().fit_transform(SimpleImputer().fit_transform(X))
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    forest = RandomForestClassifier(n_estimators=100, random_state=random_state)
    scores = cross_val_score(forest, X_ready, y, cv=folds, scoring="accuracy")
    return {"mean": float(np.mean(scores)), "std": float(np.std(scores)), "scores": scores.tolist()}


def tune_hyperparameters(X_train, y_train, random_state=42):
    X_all, y_all = load_dataset()
    search = GridSearchCV(
        build_pipeline(random_state=random_state),  # noqa: F821 -- the learner's own function
        {"model__max_depth": [None, 6], "model__min_samples_leaf": [1, 3]},
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=random_state),
        scoring="accuracy",
    )
    search.fit(X_all, y_all)
    return search.best_estimator_, search.best_params_
