"""Catches every error, logs it and returns zero counts: a broken input looks like a quiet day."""

FAILS = {"l1_error_handling"}
# ruff: noqa: E402, F821

import logging

import pandas as pd

RANGES = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
          "total_charges": (0, 1_000_000)}
log = logging.getLogger("pipeline")


def run_pipeline(raw_path, out_path):
    try:
        raw = extract(raw_path)
    except Exception as exc:
        log.error("extract failed: %s", exc)
        return {"rows_in": 0, "rows_out": 0, "values_imputed": 0, "duplicates_dropped": 0,
                "rows_quarantined": 0}
    log.info("extract: %d rows", len(raw))
    log.info("validate: %d problems", len(validate(raw)))
    deduped = raw.drop_duplicates()
    cleaned = clean(raw)
    coerced = deduped.loc[cleaned.index, list(RANGES)].apply(pd.to_numeric, errors="coerce")
    imputed = int(coerced.isna().sum().sum() + deduped.loc[cleaned.index, "contract"].isna().sum())
    log.info("clean: %d rows in, %d out", len(raw), len(cleaned))
    features = engineer_features(cleaned)
    log.info("features: %d rows", len(features))
    load(features, out_path)
    log.info("load: %d rows", len(features))
    return {"rows_in": len(raw), "rows_out": len(cleaned), "values_imputed": imputed,
            "duplicates_dropped": len(raw) - len(deduped),
            "rows_quarantined": len(deduped) - len(cleaned)}
