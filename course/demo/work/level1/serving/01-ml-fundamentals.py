"""Treats malignant (0) as the positive class: pos_label=0 instead of the course's pos_label=1."""

FAILS = {"l1_metrics"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score


def evaluate(model, X_test, y_test):
    y_pred = model.predict(X_test)
    return {
        "accuracy": float(accuracy_score(y_test, y_pred)),
        "precision": float(precision_score(y_test, y_pred, pos_label=0)),
        "recall": float(recall_score(y_test, y_pred, pos_label=0)),
        "f1": float(f1_score(y_test, y_pred, pos_label=0)),
        "roc_auc": float(roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])),
    }
