"""Counts imputed values and quarantined rows on the raw frame, duplicates included."""

FAILS = {"l1_logging"}
# ruff: noqa: E402, F821

import logging

import pandas as pd

RANGES = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
          "total_charges": (0, 1_000_000)}
log = logging.getLogger("pipeline")


def run_pipeline(raw_path, out_path):
    raw = extract(raw_path)
    log.info("extract: %d rows", len(raw))
    log.info("validate: %d problems", len(validate(raw)))
    cleaned = clean(raw)
    coerced = raw[list(RANGES)].apply(pd.to_numeric, errors="coerce")
    imputed = int(coerced.isna().sum().sum() + raw["contract"].isna().sum())
    deduped = raw.drop_duplicates()
    log.info("clean: %d rows in, %d out", len(raw), len(cleaned))
    features = engineer_features(cleaned)
    log.info("features: %d rows", len(features))
    load(features, out_path)
    log.info("load: %d rows", len(features))
    return {"rows_in": len(raw), "rows_out": len(cleaned), "values_imputed": imputed,
            "duplicates_dropped": len(raw) - len(deduped),
            "rows_quarantined": len(raw) - len(cleaned)}
