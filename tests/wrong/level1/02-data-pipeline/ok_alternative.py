"""Not a mistake: a correct pipeline written another way (other message wording, masks built with
apply, SimpleImputer for the medians, NamedTemporaryFile + os.replace, a child logger with extra
fields, counts taken inside run_pipeline without relying on clean's index). Keeps every criterion."""

FAILS = set()
# ruff: noqa: E402, F821

import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer

FEATURES = {"age": (18, 110), "tenure_months": (0, 240), "monthly_charges": (0, 1000),
            "total_charges": (0, 1_000_000)}
KNOWN = {"month-to-month", "one-year", "two-year"}
ALL = ["customer_id", "age", "tenure_months", "monthly_charges", "total_charges", "contract",
       "churned"]
stage_log = logging.getLogger("pipeline.stages")


def extract(path):
    p = Path(path)
    try:
        size = os.path.getsize(p)
    except FileNotFoundError:
        raise FileNotFoundError(f"cannot extract: {p.resolve()} does not exist") from None
    if size == 0:
        raise ValueError(f"cannot extract: {p.resolve()} is an empty file")
    return pd.read_csv(p, dtype={"customer_id": "Int64"})


def validate(df):
    report = []
    absent = [c for c in ALL if c not in df]
    report += [f"Column '{c}' not found in the data" for c in absent]
    present = [c for c in ALL if c in df]
    for c in present:
        s = df[c]
        gaps = s.isna().sum()
        if gaps > 0:
            report.append(f"Column '{c}' has {gaps} empty cell(s)")
        if c == "contract":
            odd = s.dropna().map(lambda v: v not in KNOWN).sum()
            if odd:
                report.append(f"Column '{c}' has {odd} value(s) outside the known contract types")
            continue
        as_num = pd.to_numeric(s, errors="coerce")
        junk = (as_num.isna() & s.notna()).sum()
        if junk:
            report.append(f"Column '{c}' has {junk} non-numeric entr(y/ies)")
        if c in FEATURES:
            lo, hi = FEATURES[c]
            off = (~as_num.dropna().between(lo, hi)).sum()
            if off:
                report.append(f"Column '{c}' has {off} value(s) not within [{lo}, {hi}]")
        if c == "churned":
            off = (~as_num.dropna().isin([0, 1])).sum()
            if off:
                report.append(f"Column '{c}' has {off} value(s) other than 0 and 1")
    repeated = len(df) - len(df.drop_duplicates())
    if repeated:
        report.append(f"Found {repeated} duplicated row(s)")
    return report


def clean(df):
    work = df.drop_duplicates().reset_index(drop=True)
    nums = work[["customer_id", "churned", *FEATURES]].apply(pd.to_numeric, errors="coerce")
    work = work.assign(**{c: nums[c] for c in nums})
    ok = work["customer_id"].notna() & work["churned"].isin([0, 1])
    ok &= work["contract"].isna() | work["contract"].isin(sorted(KNOWN))
    for c, (lo, hi) in FEATURES.items():
        ok &= work[c].isna() | ((work[c] >= lo) & (work[c] <= hi))
    work = work.loc[ok].reset_index(drop=True)
    work[list(FEATURES)] = SimpleImputer(strategy="median").fit_transform(work[list(FEATURES)])
    counts = work["contract"].value_counts()
    top = sorted(counts[counts == counts.max()].index)[0]
    work["contract"] = work["contract"].fillna(top)
    return work.astype({"customer_id": "int64", "churned": "int64"})


def engineer_features(df):
    t = df["tenure_months"].to_numpy(dtype=float)
    total = df["total_charges"].to_numpy(dtype=float)
    ratio = np.zeros_like(t)
    np.divide(total, t, out=ratio, where=t != 0)
    return df.assign(tenure_squared=t * t, charges_per_month=ratio)


def load(df, path):
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile("w", dir=target.parent, suffix=".tmp", delete=False,
                                      newline="")
    try:
        with tmp:
            df.to_csv(tmp, index=False)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
    finally:
        if os.path.exists(tmp.name):
            os.remove(tmp.name)


def run_pipeline(raw_path, out_path):
    raw = extract(raw_path)
    stage_log.info("extracted rows", extra={"rows": len(raw)})
    stage_log.info("extract done: %s rows", len(raw))
    issues = validate(raw)
    stage_log.info("validate done: %s issue kinds", len(issues))
    unique = raw.drop_duplicates()
    nums = unique[list(FEATURES)].apply(pd.to_numeric, errors="coerce")
    clean_rows = clean(raw)
    keep = unique["customer_id"].isin(clean_rows["customer_id"])
    imputed = int(nums[keep].isna().sum().sum() + unique.loc[keep, "contract"].isna().sum())
    stage_log.info("clean done: %s rows remain", len(clean_rows))
    out = engineer_features(clean_rows)
    stage_log.info("features done: %s rows", len(out))
    load(out, out_path)
    stage_log.info("load done: %s rows at %s", len(out), out_path)
    return dict(rows_in=int(len(raw)), rows_out=int(len(out)), values_imputed=imputed,
                duplicates_dropped=int(len(raw) - len(unique)),
                rows_quarantined=int(len(unique) - len(clean_rows)))
