"""Ranks the trees but only sets n_estimators on a copy: the forest still predicts with, and
pickles, every tree in estimators_, so nothing shrinks and no budget below the original is met."""

FAILS = {"l3_implementation", "l3_performance_evaluation"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import copy


def prune_forest(model, keep_fraction, X_val, y_val):
    pruned = copy.deepcopy(model)
    pruned.n_estimators = max(1, int(round(keep_fraction * len(model.estimators_))))
    return pruned
