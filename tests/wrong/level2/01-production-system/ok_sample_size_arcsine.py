"""Correct, written another way: Cohen's h with the arcsine transform (statsmodels' NormalIndPower),
n = 2 ((z_{1-alpha/2} + z_{power}) / h)^2, rounded up: within a fraction of a percent of the notebook's
formula."""

FAILS = set()
# ruff: noqa: E402

import math

from scipy.stats import norm


def required_sample_size(baseline_rate, min_detectable_effect, *, alpha=0.05, power=0.8):
    h = abs(2 * math.asin(math.sqrt(baseline_rate + min_detectable_effect))
            - 2 * math.asin(math.sqrt(baseline_rate)))
    return math.ceil(2 * ((norm.ppf(1 - alpha / 2) + norm.ppf(power)) / h) ** 2)
