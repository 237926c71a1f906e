"""Logs through logging.info (the root logger), not the 'pipeline' logger."""

FAILS = {"l1_logging"}
# ruff: noqa: E402, F821

import logging

import pandas as pd

RANGES = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
          "total_charges": (0, 1_000_000)}


def run_pipeline(raw_path, out_path):
    raw = extract(raw_path)
    logging.info("extract: %d rows", len(raw))
    logging.info("validate: %d problems", len(validate(raw)))
    deduped = raw.drop_duplicates()
    cleaned = clean(raw)
    coerced = deduped.loc[cleaned.index, list(RANGES)].apply(pd.to_numeric, errors="coerce")
    imputed = int(coerced.isna().sum().sum() + deduped.loc[cleaned.index, "contract"].isna().sum())
    logging.info("clean: %d rows in, %d out", len(raw), len(cleaned))
    features = engineer_features(cleaned)
    logging.info("features: %d rows", len(features))
    load(features, out_path)
    logging.info("load: %d rows", len(features))
    return {"rows_in": len(raw), "rows_out": len(cleaned), "values_imputed": imputed,
            "duplicates_dropped": len(raw) - len(deduped),
            "rows_quarantined": len(deduped) - len(cleaned)}
