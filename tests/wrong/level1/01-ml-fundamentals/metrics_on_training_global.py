"""Evaluates on the notebook's global training rows (X_train, y_train from the demo cells) instead of
the X_test, y_test arguments."""

FAILS = {"l1_metrics"}
# ruff: noqa: E402, F821 (FAILS comes first; names like build_pipeline come from the notebook)

from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score


def evaluate(model, X_test, y_test):
    y_pred = model.predict(X_train)
    y_score = model.predict_proba(X_train)[:, 1]
    return {
        "accuracy": float(accuracy_score(y_train, y_pred)),
        "precision": float(precision_score(y_train, y_pred)),
        "recall": float(recall_score(y_train, y_pred)),
        "f1": float(f1_score(y_train, y_pred)),
        "roc_auc": float(roc_auc_score(y_train, y_score)),
    }
