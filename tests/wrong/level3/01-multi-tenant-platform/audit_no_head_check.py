"""Chains the entries but never compares the end of the chain with audit.head: cutting off the last entry goes unnoticed."""

FAILS = {"l3_compliance"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import json


class AuditLog(AuditLog):  # noqa: F821 -- the notebook's class, one method changed
    def verify(self):
        previous = "0" * 64
        for seq, line in enumerate(self._lines()):
            entry = json.loads(line)
            claimed = entry.pop("hash", None)
            if entry.get("seq") != seq or entry.get("prev") != previous:
                return False
            if claimed != entry_hash(entry):  # noqa: F821
                return False
            previous = claimed
        return True
