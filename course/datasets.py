"""Offline data generators for the course notebooks: messy, realistic and deterministic per seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: Columns of the customer CSV, in file order.
CUSTOMER_COLUMNS = [
    "customer_id", "age", "tenure_months", "monthly_charges", "total_charges", "contract",
    "churned",
]
#: The valid contract values.
CONTRACTS = ["month-to-month", "one-year", "two-year"]
#: Inclusive valid ranges of the numeric columns.
CUSTOMER_RANGES = {
    "age": (18, 110),
    "tenure_months": (0, 240),
    "monthly_charges": (0, 1000),
    "total_charges": (0, 1_000_000),
}
#: Stray text planted in total_charges; none of these is read as missing by pandas.
STRAY_TOKENS = ["unknown", "12,5", "?", "$45.10", "1.234,50", "error", "--"]
#: Contract values that are not in CONTRACTS.
UNKNOWN_CONTRACTS = ["three-year", "weekly", "lifetime"]


def _pick(rng: np.random.Generator, n: int, share: float, minimum: int = 2,
          taken: set[int] | None = None) -> np.ndarray:
    """Row positions for one planted problem: about share * n of them, at least `minimum`,
    none of them in `taken` (which is updated), so two problems of a column never collide."""
    taken = set() if taken is None else taken
    free = np.array([i for i in range(n) if i not in taken])
    count = min(len(free), max(minimum, int(round(share * n))))
    chosen = rng.choice(free, size=count, replace=False)
    taken.update(int(i) for i in chosen)
    return chosen


def make_raw_customers(n: int, seed: int, path: str | Path) -> Path:
    """Write a messy customer-churn CSV of n rows (duplicates included) to path; return the path.

    Columns: customer_id (int, unique), age (18-110), tenure_months (0-240), monthly_charges
    (0-1000), total_charges (0-1e6), contract (month-to-month / one-year / two-year), churned
    (0/1). Planted problems: missing age, monthly_charges, total_charges and contract; exact
    duplicate rows; stray text in total_charges; out-of-range age and tenure_months; unknown
    contract values. The same n and seed always give the same file; n must be at least 40.
    """
    if n < 40:
        raise ValueError(f"make_raw_customers needs n >= 40 to plant every problem, got {n}")
    rng = np.random.default_rng(seed)
    n_dup = max(2, n // 25)
    base = n - n_dup

    customer_id = 100_000 + rng.choice(900_000, size=base, replace=False)
    age = np.clip(np.round(rng.normal(44, 14, base)), 18, 95).astype(float)
    tenure = np.clip(np.round(rng.exponential(30, base)), 0, 240).astype(float)
    tenure[rng.choice(base, size=max(2, base // 30), replace=False)] = 0  # brand-new customers
    monthly = np.round(rng.lognormal(np.log(60), 0.45, base), 2)
    big = rng.choice(base, size=max(1, base // 40), replace=False)
    monthly[big] = np.round(rng.uniform(400, 950, len(big)), 2)  # a few business accounts
    monthly = np.clip(monthly, 5, 1000)
    total = np.round(np.clip(monthly * np.maximum(tenure, 1) * rng.uniform(0.9, 1.1, base),
                             0, 1_000_000), 2)
    contract = rng.choice(CONTRACTS, size=base, p=[0.55, 0.25, 0.20]).astype(object)
    churn_p = 1 / (1 + np.exp(-(1.0 - 0.04 * tenure + 0.01 * (monthly - 60))))
    churned = (rng.uniform(size=base) < churn_p).astype(int)

    # planted problems (positions may overlap: real data is like that)
    used_age: set[int] = set()
    used_total: set[int] = set()
    used_contract: set[int] = set()
    age[_pick(rng, base, 0.05, taken=used_age)] = np.nan
    monthly[_pick(rng, base, 0.03)] = np.nan
    contract[_pick(rng, base, 0.03, taken=used_contract)] = np.nan
    total_text = np.array([f"{v:.2f}" for v in total], dtype=object)
    total_text[_pick(rng, base, 0.03, taken=used_total)] = np.nan
    stray = _pick(rng, base, 0.025, minimum=3, taken=used_total)
    total_text[stray] = rng.choice(STRAY_TOKENS, size=len(stray))
    bad_age = _pick(rng, base, 0.015, taken=used_age)
    age[bad_age] = rng.choice([-1, 3, 7, 130, 150, 999], size=len(bad_age))
    bad_tenure = _pick(rng, base, 0.012)
    tenure[bad_tenure] = rng.choice([-12, -1, 300, 480, 999], size=len(bad_tenure))
    unknown = _pick(rng, base, 0.012, taken=used_contract)
    contract[unknown] = rng.choice(UNKNOWN_CONTRACTS, size=len(unknown))

    frame = pd.DataFrame({
        "customer_id": customer_id.astype(np.int64),
        "age": pd.array(age, dtype="Float64").astype("Int64"),
        "tenure_months": pd.array(tenure, dtype="Float64").astype("Int64"),
        "monthly_charges": monthly,
        "total_charges": total_text,
        "contract": contract,
        "churned": churned.astype(np.int64),
    }, columns=CUSTOMER_COLUMNS)
    copies = frame.iloc[rng.choice(base, size=n_dup, replace=False)]
    frame = pd.concat([frame, copies], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path
