"""Reports progress with print instead of logging: nothing reaches the 'pipeline' logger."""

FAILS = {"l1_logging"}
# ruff: noqa: E402

import pandas as pd

RANGES = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
          "total_charges": (0, 1_000_000)}


def run_pipeline(raw_path, out_path):
    raw = extract(raw_path)  # noqa: F821 -- the learner's own functions
    print(f"extract: {len(raw)} rows")
    for problem in validate(raw):  # noqa: F821
        print("problem:", problem)
    deduped = raw.drop_duplicates()
    cleaned = clean(raw)  # noqa: F821
    coerced = deduped.loc[cleaned.index, list(RANGES)].apply(pd.to_numeric, errors="coerce")
    imputed = int(coerced.isna().sum().sum() + deduped.loc[cleaned.index, "contract"].isna().sum())
    print(f"clean: {len(cleaned)} rows")
    features = engineer_features(cleaned)  # noqa: F821
    load(features, out_path)  # noqa: F821
    print(f"load: {len(features)} rows written")
    return {"rows_in": len(raw), "rows_out": len(cleaned), "values_imputed": imputed,
            "duplicates_dropped": len(raw) - len(deduped),
            "rows_quarantined": len(deduped) - len(cleaned)}
