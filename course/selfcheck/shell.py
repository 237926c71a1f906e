"""The IPython shell a self-check runs in, if any: where the learner's names live and whether a
Jupyter front end shows HTML. IPython is never imported here (a plain `python` has none)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)


def current_shell() -> Any | None:
    """The running IPython shell (a Jupyter kernel or the IPython terminal), or None."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        return ipython.get_ipython()
    except Exception:  # noqa: BLE001 -- any doubt: no shell
        log.debug("get_ipython() failed", exc_info=True)
        return None


def in_kernel() -> bool:
    """Whether a Jupyter kernel runs this code (its front end shows HTML)."""
    shell = current_shell()
    return shell is not None and getattr(shell, "kernel", None) is not None


def user_namespace() -> Mapping[str, Any] | None:
    """The notebook's (or IPython session's) global names: IPython's user namespace, or None."""
    shell = current_shell()
    namespace = getattr(shell, "user_ns", None) if shell is not None else None
    return namespace if isinstance(namespace, Mapping) else None
