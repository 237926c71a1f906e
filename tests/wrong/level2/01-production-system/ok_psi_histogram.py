"""Correct, written another way: np.histogram with open outer bins ([-inf, deciles..., inf]);
its bins include their left edge, so a value on an edge falls in the upper bin."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import numpy as np
import pandas as pd


class DriftMonitor:
    def __init__(self, reference, threshold=0.2, on_alert=None):
        self.threshold = threshold
        self.on_alert = on_alert
        numeric = reference.select_dtypes("number")
        self.bins = {c: np.concatenate([[-np.inf], np.quantile(numeric[c], np.linspace(0.1, 0.9, 9)),
                                        [np.inf]]) for c in numeric.columns}
        self.expected = {c: self._shares(numeric[c], b) for c, b in self.bins.items()}

    @staticmethod
    def _shares(values, bins):
        counts, _ = np.histogram(np.asarray(values, dtype=float), bins=bins)
        shares = counts / counts.sum()
        shares[shares == 0] = 1e-4
        return shares

    def check(self, batch):
        batch = pd.DataFrame(batch)
        psi = {}
        for column, bins in self.bins.items():
            a, e = self._shares(batch[column], bins), self.expected[column]
            psi[column] = float(((a - e) * np.log(a / e)).sum())
        report = {"psi": psi, "drifted": max(psi.values(), default=0.0) > self.threshold}
        if report["drifted"] and self.on_alert:
            self.on_alert(report)
        return report
