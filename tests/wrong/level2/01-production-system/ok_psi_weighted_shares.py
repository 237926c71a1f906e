"""Proportions of a batch as a weighted count (each row weighs 1/n), those of the reference as counts / n.

Correct: the two differ in the last bit, so the PSI of the reference against itself is about 1e-33
rather than exactly 0. Checks of the threshold must not depend on an exact 0.0."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import numpy as np
import pandas as pd


class DriftMonitor:
    """Population stability index (PSI) of each numeric feature against a reference sample."""

    def __init__(self, reference, threshold=0.2, on_alert=None):
        reference = pd.DataFrame(reference)
        self.threshold = float(threshold)
        self.on_alert = on_alert
        self.columns = list(reference.select_dtypes(include="number").columns)
        self._edges, self._expected = {}, {}
        for column in self.columns:
            values = reference[column].dropna().to_numpy(dtype=float)
            self._edges[column] = np.quantile(values, np.arange(1, 10) / 10)
            self._expected[column] = _bin_shares(values, self._edges[column])

    def check(self, batch):
        """Return {"psi": {column: float}, "drifted": bool}; call on_alert(report) when drifted."""
        batch = pd.DataFrame(batch)
        psi = {}
        for column in self.columns:
            values = batch[column].dropna().to_numpy(dtype=float)
            bins = np.searchsorted(self._edges[column], values, side="right")
            weights = np.full(len(values), 1.0 / max(len(values), 1))
            actual = np.bincount(bins, weights=weights, minlength=len(self._edges[column]) + 1)
            actual = np.where(actual == 0, 1e-4, actual)
            expected = self._expected[column]
            psi[column] = float(np.sum((actual - expected) * np.log(actual / expected)))
        report = {"psi": psi, "drifted": any(value > self.threshold for value in psi.values())}
        if report["drifted"] and self.on_alert is not None:
            self.on_alert(report)
        return report


def _bin_shares(values, edges):
    """Share of values in each of the len(edges) + 1 bins; an empty bin counts as 1e-4."""
    bins = np.searchsorted(edges, values, side="right")
    shares = np.bincount(bins, minlength=len(edges) + 1) / max(len(values), 1)
    return np.where(shares == 0, 1e-4, shares)
