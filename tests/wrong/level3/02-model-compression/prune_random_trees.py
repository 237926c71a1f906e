"""Keeps a random sample of the trees: smaller, but blind to which trees are useful."""

FAILS = {"l3_implementation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import copy

import numpy as np


def prune_forest(model, keep_fraction, X_val, y_val):
    n = len(model.estimators_)
    n_keep = max(1, int(round(keep_fraction * n)))
    chosen = np.random.default_rng().choice(n, size=n_keep, replace=False)
    pruned = copy.deepcopy(model)
    pruned.estimators_ = [pruned.estimators_[i] for i in sorted(chosen)]
    pruned.n_estimators = n_keep
    return pruned
