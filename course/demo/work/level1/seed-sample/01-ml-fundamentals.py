"""The seed's own Level 1 sample answer (assess_ml_fundamentals) cut into the notebook's API and
changed as little as possible: a fixed 80/20 split without stratify, a bare forest with no
preprocessing, accuracy as the only metric, pickle without checks, and no cross-validation or
tuning (the seed's own ❌ lines)."""

import pickle

from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline


def split_data(X, y, test_size=0.2, random_state=42):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=42
    )
    return X_train, X_test, y_train, y_test


def build_pipeline(random_state=42):
    return Pipeline([("model", RandomForestClassifier(n_estimators=100, random_state=42))])


def evaluate(model, X_test, y_test):
    y_pred = model.predict(X_test)
    accuracy = accuracy_score(y_test, y_pred)
    return {"accuracy": accuracy}


def cross_validate_pipeline(X, y, cv=5, random_state=42):
    raise NotImplementedError("the seed's sample has no cross-validation")


def tune_hyperparameters(X_train, y_train, random_state=42):
    raise NotImplementedError("the seed's sample has no hyperparameter tuning")


def save_model(model, path):
    with open(path, 'wb') as f:
        pickle.dump(model, f)


def load_model(path):
    with open(path, 'rb') as f:
        return pickle.load(f)
