"""Not a mistake: run_pipeline logs structured records, with fixed messages and the counts in extra
fields (logger.info("extract done", extra={"rows": n})), the way a JSON log formatter expects them
(the notebook's "Going further" suggests it). Keeps every criterion: the counts are in the records."""

FAILS = set()
# ruff: noqa: E402, F821 (FAILS comes first; extract, clean, ... come from the notebook)

import logging

import pandas as pd

events = logging.getLogger("pipeline")


def run_pipeline(raw_path, out_path):
    raw = extract(raw_path)
    events.info("extract done", extra={"stage": "extract", "rows": len(raw)})
    problems = validate(raw)
    events.info("validate done", extra={"stage": "validate", "problems": len(problems)})
    deduped = raw.drop_duplicates()
    cleaned = clean(raw)
    kept = deduped.loc[cleaned.index]
    gaps = kept[list(RANGES)].apply(pd.to_numeric, errors="coerce").isna().sum().sum()
    imputed = int(gaps + kept["contract"].isna().sum())
    events.info("clean done", extra={"stage": "clean", "rows": len(cleaned), "imputed": imputed})
    features = engineer_features(cleaned)
    events.info("features done", extra={"stage": "features", "rows": len(features)})
    load(features, out_path)
    events.info("load done", extra={"stage": "load", "rows": len(features)})
    return {"rows_in": len(raw), "rows_out": len(cleaned), "values_imputed": imputed,
            "duplicates_dropped": len(raw) - len(deduped),
            "rows_quarantined": len(deduped) - len(cleaned)}
