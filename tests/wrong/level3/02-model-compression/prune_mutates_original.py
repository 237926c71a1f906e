"""Ranks the trees well, but shallow-copies the forest and edits the estimators_ list it still
shares with the original: the caller's forest loses its trees too, and each later call prunes
an already pruned forest."""

FAILS = {"l3_implementation", "l3_performance_evaluation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import copy

import numpy as np


def prune_forest(model, keep_fraction, X_val, y_val):
    X_val, y_val = np.asarray(X_val), np.asarray(y_val)
    pruned = copy.copy(model)
    n_keep = max(1, int(round(keep_fraction * len(pruned.estimators_))))

    def usefulness(tree):
        return float(np.mean(model.classes_[tree.predict(X_val).astype(int)] == y_val))

    pruned.estimators_.sort(key=usefulness, reverse=True)
    del pruned.estimators_[n_keep:]
    pruned.n_estimators = n_keep
    return pruned
