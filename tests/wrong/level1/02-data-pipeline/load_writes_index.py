"""Atomic, but writes the index: the file grows an 'Unnamed: 0' column."""

FAILS = {"l1_persistence"}
# ruff: noqa: E402

import os
import tempfile
from pathlib import Path


def load(df, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as f:
            df.to_csv(f)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
