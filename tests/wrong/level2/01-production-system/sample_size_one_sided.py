"""Sizes the test with z of 1 - alpha (a one-sided test) although the analysis is two-sided:
about a fifth too few users, so the test has less power than promised."""

FAILS = {"l2_ab_analysis"}
# ruff: noqa: E402

import math

from scipy.stats import norm


def required_sample_size(baseline_rate, min_detectable_effect, *, alpha=0.05, power=0.8):
    p1 = baseline_rate
    p2 = baseline_rate + min_detectable_effect
    pooled = (p1 + p2) / 2
    root = (norm.ppf(1 - alpha) * math.sqrt(2 * pooled * (1 - pooled))
            + norm.ppf(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)))
    return math.ceil(root**2 / min_detectable_effect**2)
