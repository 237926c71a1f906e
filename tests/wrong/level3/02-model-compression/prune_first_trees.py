"""Keeps the first keep_fraction of the trees: the right size, but no tree is judged, so it is the
same as having trained a smaller forest, and useless trees are kept when they come first."""

FAILS = {"l3_implementation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import copy


def prune_forest(model, keep_fraction, X_val, y_val):
    n_keep = max(1, int(round(keep_fraction * len(model.estimators_))))
    pruned = copy.deepcopy(model)
    pruned.estimators_ = pruned.estimators_[:n_keep]
    pruned.n_estimators = n_keep
    return pruned
