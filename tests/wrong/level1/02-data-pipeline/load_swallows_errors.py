"""Atomic, but catches the failure and returns as if the write had worked."""

FAILS = {"l1_persistence"}
# ruff: noqa: E402

import logging
import os
import tempfile
from pathlib import Path


def load(df, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as f:
            df.to_csv(f, index=False)
        os.replace(tmp, path)
    except Exception as exc:
        os.unlink(tmp)
        logging.getLogger("pipeline").info("load failed: %s", exc)
