"""Not a mistake: load writes into the folder it is given and does not create missing folders
(the notebook says the folder of path exists; creating it is allowed, not required). Atomic with
NamedTemporaryFile + os.replace. Keeps every criterion."""

FAILS = set()
# ruff: noqa: E402

import os
import tempfile
from pathlib import Path


def load(df, path):
    target = Path(path)
    with tempfile.NamedTemporaryFile("w", dir=target.parent, prefix=f".{target.name}.",
                                     suffix=".tmp", delete=False, newline="") as tmp:
        try:
            df.to_csv(tmp, index=False)
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, target)
