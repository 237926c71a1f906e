"""Hashes each entry on its own, without a link to the previous one: deleting or swapping entries in the middle goes unnoticed."""

FAILS = {"l3_compliance"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import hashlib
import json
import os
from datetime import UTC, datetime


class AuditLog(AuditLog):  # noqa: F821 -- the notebook's class, two methods changed
    def append(self, actor, action, tenant_id=None, **details):
        entry = {"time": datetime.now(UTC).isoformat(), "actor": actor, "action": action,
                 "tenant_id": tenant_id, "details": json.loads(json.dumps(details, default=str))}
        entry["hash"] = hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.head_path.write_text(entry["hash"])
        return entry

    def verify(self):
        last = "0" * 64
        for line in self._lines():
            entry = json.loads(line)
            claimed = entry.pop("hash", None)
            if claimed != hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest():
                return False
            last = claimed
        return self._head() == last
