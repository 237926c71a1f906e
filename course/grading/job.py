"""One grading job, run in its own process: nbgrader autograde of one learner's level.

Usage: python -m course.grading.job ROOT LEVEL LEARNER RESULT_JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    root, level, learner, result_path = Path(argv[0]), argv[1], argv[2], Path(argv[3])
    from ..nbgrader_app import nbgrader_api  # imported here so a bad argv fails fast

    api = nbgrader_api(root)
    result = api.autograde(level, learner, force=True, create=True)
    payload = {"success": bool(result.get("success")), "error": result.get("error", ""),
               "log": result.get("log", "")[-20000:]}
    result_path.write_text(json.dumps(payload))
    return 0 if payload["success"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
