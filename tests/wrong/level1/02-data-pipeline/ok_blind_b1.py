"""Not a mistake: blind solve b1, written from release/ alone (its answer cells as handed in). It scored full marks and must keep them."""

FAILS = set()
# ruff: noqa: F821, UP031 (the answer cells use the imports and constants of the notebook's setup cell)

def extract(path):
    """Read the raw CSV at path (a str or a pathlib.Path) and return its rows as a DataFrame.

    No cleaning and no type coercion: the rows exactly as pandas reads them, duplicates and
    stray text included, with customer_id as an integer column.
    Raises FileNotFoundError naming the path when there is no file, and ValueError naming the
    path when the file is empty.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"raw data file not found: {path}")
    if p.stat().st_size == 0:
        raise ValueError(f"raw data file is empty: {path}")
    try:
        df = pd.read_csv(p)
    except pd.errors.EmptyDataError as exc:
        raise ValueError(f"raw data file has no columns to read: {path}") from exc
    except pd.errors.ParserError as exc:
        raise ValueError(f"raw data file could not be parsed as CSV: {path} ({exc})") from exc
    return df


def validate(df):
    """Return a list of human-readable problems found in df; [] when there are none.

    One message per (column, kind of problem) naming the column and how many values are
    affected, plus one message for duplicate rows, all counted on df as given. Kinds: a missing
    column, missing values, text in a numeric column, values out of range (churned: not 0/1),
    unknown contract values. df is not modified.
    """
    problems = []
    for col in COLUMNS:
        if col not in df.columns:
            problems.append(f"{col}: missing column")
    columns = [c for c in COLUMNS if c in df.columns] + [c for c in df.columns if c not in COLUMNS]
    for col in columns:
        values = df[col]
        n_missing = int(values.isna().sum())
        if n_missing:
            problems.append(f"{col}: {n_missing} missing values")
        if col in NUMERIC_COLUMNS:
            numbers = pd.to_numeric(values, errors="coerce")
            n_text = int((values.notna() & numbers.isna()).sum())
            if n_text:
                problems.append(f"{col}: {n_text} values that are not numbers")
            if col in RANGES:
                low, high = RANGES[col]
                n_out = int((numbers.notna() & ((numbers < low) | (numbers > high))).sum())
                if n_out:
                    problems.append(f"{col}: {n_out} values outside {low}-{high}")
            elif col == "churned":
                n_out = int((numbers.notna() & ~numbers.isin([0, 1])).sum())
                if n_out:
                    problems.append(f"{col}: {n_out} values that are not 0 or 1")
        if col == "contract":
            n_unknown = int((values.notna() & ~values.isin(CONTRACTS)).sum())
            if n_unknown:
                problems.append(f"{col}: {n_unknown} unknown values (not one of "
                                f"{', '.join(CONTRACTS)})")
    n_dup = int(df.duplicated().sum())
    if n_dup:
        problems.append(f"{n_dup} duplicate rows")
    return problems


def clean(df):
    """Return a cleaned copy of df; df itself is never modified.

    In this order: drop exact duplicate rows; coerce the numeric columns (NUMERIC_COLUMNS) to
    numbers, stray text becoming missing; quarantine (drop) rows with a present but invalid value
    (outside RANGES, churned not 0/1, contract not in CONTRACTS) and rows missing customer_id or
    churned; then fill the gaps in the RANGES columns with the median of the remaining rows and
    the gaps in contract with its mode (on a tie, the alphabetically first). customer_id and
    churned are never imputed. The rows kept keep their index.
    """
    out = df.drop_duplicates().copy()
    for col in NUMERIC_COLUMNS:
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce")

    bad = pd.Series(False, index=out.index)
    for col, (low, high) in RANGES.items():
        if col in out.columns:
            bad |= out[col].notna() & ~out[col].between(low, high)
    if "churned" in out.columns:
        bad |= out["churned"].isna() | ~out["churned"].isin([0, 1])
    if "customer_id" in out.columns:
        bad |= out["customer_id"].isna()
    if "contract" in out.columns:
        bad |= out["contract"].notna() & ~out["contract"].isin(CONTRACTS)
    out = out[~bad].copy()

    for col in RANGES:
        if col in out.columns and out[col].isna().any():
            out[col] = out[col].fillna(out[col].median())
    if "contract" in out.columns and out["contract"].isna().any():
        modes = out["contract"].mode()
        if len(modes):
            out["contract"] = out["contract"].fillna(sorted(modes)[0])
    for col in ("customer_id", "churned"):
        if col in out.columns and out[col].notna().all():
            as_int = out[col].astype("int64")
            if (as_int == out[col]).all():
                out[col] = as_int
    return out


def engineer_features(df):
    """Return a copy of a cleaned frame with two columns added:
    tenure_squared = tenure_months ** 2, and
    charges_per_month = total_charges / tenure_months, 0 where tenure_months is 0.
    """
    out = df.copy()
    tenure = pd.to_numeric(out["tenure_months"], errors="coerce")
    total = pd.to_numeric(out["total_charges"], errors="coerce")
    out["tenure_squared"] = tenure ** 2
    positive = tenure > 0
    out["charges_per_month"] = np.where(positive, total / tenure.where(positive), 0.0)
    return out


def load(df, path):
    """Write df to path (a str or a pathlib.Path) as CSV without the index, atomically: a failure
    part-way leaves any previous file at path intact, and the error propagates. Returns None."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix="." + target.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="") as f:
            df.to_csv(f, index=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return None


def run_pipeline(raw_path, out_path):
    """Run extract, validate, clean, engineer_features and load, logging each stage with its row
    count on the "pipeline" logger, and return the summary dict with the keys rows_in, rows_out,
    values_imputed, duplicates_dropped and rows_quarantined (plain ints)."""
    log = logging.getLogger("pipeline")
    try:
        raw = extract(raw_path)
    except Exception:
        log.error("extract: could not read %s", raw_path)
        raise
    log.info("extract: %d rows from %s", len(raw), raw_path)

    problems = validate(raw)
    if problems:
        log.warning("validate: %d rows, %d problems found", len(raw), len(problems))
        for problem in problems:
            log.warning("validate: %s", problem)
    else:
        log.info("validate: %d rows, no problems found", len(raw))

    deduped = raw.drop_duplicates()
    cleaned = clean(raw)
    duplicates = len(raw) - len(deduped)
    quarantined = len(deduped) - len(cleaned)
    kept = deduped.loc[cleaned.index]
    imputed = 0
    for col in RANGES:
        if col in kept.columns:
            imputed += int(pd.to_numeric(kept[col], errors="coerce").isna().sum())
    if "contract" in kept.columns:
        imputed += int(kept["contract"].isna().sum())
    log.info("clean: %d rows in, %d duplicates dropped, %d rows quarantined, %d values imputed, "
             "%d rows out", len(raw), duplicates, quarantined, imputed, len(cleaned))

    features = engineer_features(cleaned)
    log.info("engineer_features: %d rows, %d columns", len(features), features.shape[1])

    load(features, out_path)
    log.info("load: %d rows written to %s", len(features), out_path)

    summary = {
        "rows_in": int(len(raw)),
        "rows_out": int(len(features)),
        "values_imputed": int(imputed),
        "duplicates_dropped": int(duplicates),
        "rows_quarantined": int(quarantined),
    }
    log.info("summary: %s", summary)
    return summary
