"""Not a mistake: blind solve b4, written from release/ alone (its answer cells as handed in). It scored full marks and must keep them."""

FAILS = set()
# ruff: noqa: F821, UP031 (the answer cells use the imports and constants of the notebook's setup cell)

def extract(path):
    """Read the raw CSV at path (a str or a pathlib.Path) and return its rows as a DataFrame.

    No cleaning and no type coercion: the rows exactly as pandas reads them, duplicates and
    stray text included, with customer_id as an integer column.
    Raises FileNotFoundError naming the path when there is no file, and ValueError naming the
    path when the file is empty.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"raw data file not found: {path}")
    if path.stat().st_size == 0:
        raise ValueError(f"raw data file is empty: {path}")
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError as exc:
        raise ValueError(f"raw data file has no columns to read: {path}") from exc


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

    for col in df.columns:
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
                n_out = int(((numbers < low) | (numbers > high)).sum())
                if n_out:
                    problems.append(f"{col}: {n_out} values outside {low}-{high}")
            elif col == "churned":
                n_out = int((numbers.notna() & ~numbers.isin([0, 1])).sum())
                if n_out:
                    problems.append(f"{col}: {n_out} values that are not 0 or 1")

        if col == "contract":
            n_unknown = int((values.notna() & ~values.isin(CONTRACTS)).sum())
            if n_unknown:
                problems.append(f"{col}: {n_unknown} unknown values "
                                f"(not one of {', '.join(CONTRACTS)})")

    n_duplicates = int(df.duplicated().sum())
    if n_duplicates:
        problems.append(f"{n_duplicates} duplicate rows")
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
        out[col] = pd.to_numeric(out[col], errors="coerce")

    bad = out["customer_id"].isna() | ~out["churned"].isin([0, 1])
    for col, (low, high) in RANGES.items():
        bad |= out[col].notna() & ~out[col].between(low, high)
    bad |= out["contract"].notna() & ~out["contract"].isin(CONTRACTS)
    out = out[~bad].copy()

    for col in RANGES:
        out[col] = out[col].fillna(out[col].median())
    modes = out["contract"].mode()
    if not modes.empty:
        out["contract"] = out["contract"].fillna(modes.iloc[0])
    out["customer_id"] = out["customer_id"].astype(int)
    out["churned"] = out["churned"].astype(int)
    return out


def engineer_features(df):
    """Return a copy of a cleaned frame with two columns added:
    tenure_squared = tenure_months ** 2, and
    charges_per_month = total_charges / tenure_months, 0 where tenure_months is 0.
    """
    out = df.copy()
    tenure = out["tenure_months"]
    out["tenure_squared"] = tenure ** 2
    out["charges_per_month"] = np.where(tenure > 0, out["total_charges"] / tenure.where(tenure > 0), 0.0)
    return out


def load(df, path):
    """Write df to path (a str or a pathlib.Path) as CSV without the index, atomically: a failure
    part-way leaves any previous file at path intact, and the error propagates. Returns None."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="") as f:
            df.to_csv(f, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_pipeline(raw_path, out_path):
    """Run extract, validate, clean, engineer_features and load, logging each stage with its row
    count on the "pipeline" logger, and return the summary dict with the keys rows_in, rows_out,
    values_imputed, duplicates_dropped and rows_quarantined (plain ints)."""
    log = logging.getLogger("pipeline")
    try:
        raw = extract(raw_path)
    except (FileNotFoundError, ValueError):
        log.exception("extract: cannot read %s", raw_path)
        raise
    log.info("extract: %d rows from %s", len(raw), raw_path)

    problems = validate(raw)
    for problem in problems:
        log.warning("validate: %s", problem)
    log.info("validate: %d rows checked, %d problems found", len(raw), len(problems))

    deduped = raw.drop_duplicates()
    cleaned = clean(raw)
    duplicates_dropped = len(raw) - len(deduped)
    rows_quarantined = len(deduped) - len(cleaned)
    kept = deduped.loc[cleaned.index]
    values_imputed = sum(int(pd.to_numeric(kept[col], errors="coerce").isna().sum()) for col in RANGES)
    values_imputed += int(kept["contract"].isna().sum())
    log.info("clean: %d rows in, %d out (%d duplicates dropped, %d quarantined, %d values imputed)",
             len(raw), len(cleaned), duplicates_dropped, rows_quarantined, values_imputed)

    features = engineer_features(cleaned)
    log.info("features: %d rows, %d columns", len(features), features.shape[1])

    load(features, out_path)
    log.info("load: %d rows written to %s", len(features), out_path)

    return {
        "rows_in": int(len(raw)),
        "rows_out": int(len(features)),
        "values_imputed": int(values_imputed),
        "duplicates_dropped": int(duplicates_dropped),
        "rows_quarantined": int(rows_quarantined),
    }
