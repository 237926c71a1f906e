"""Correct: each line wraps the entry in an envelope {"entry", "prev", "hash"}, hash = sha256(prev + entry), and the head file is JSON."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import hashlib
import json
import time


def _digest(prev, entry):
    return hashlib.sha256((prev + json.dumps(entry, sort_keys=True)).encode()).hexdigest()


class AuditLog(AuditLog):  # noqa: F821 -- the notebook's class, rewritten
    def append(self, actor, action, tenant_id=None, **details):
        head = self._head()
        entry = {"at": time.time(), "who": actor, "did": action, "tenant": tenant_id,
                 "details": json.loads(json.dumps(details, default=str))}
        line = {"entry": entry, "prev": head, "hash": _digest(head, entry)}
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        count = len(self._lines())
        self.head_path.write_text(json.dumps({"hash": line["hash"], "count": count}))
        return entry

    def entries(self):
        return [json.loads(line)["entry"] for line in self._lines()]

    def verify(self):
        prev = "genesis"
        lines = self._lines()
        try:
            for raw in lines:
                line = json.loads(raw)
                if line["prev"] != prev or line["hash"] != _digest(prev, line["entry"]):
                    return False
                prev = line["hash"]
            head = json.loads(self.head_path.read_text()) if self.head_path.exists() else None
        except (ValueError, KeyError, TypeError):
            return False
        if head is None:
            return not lines
        return head == {"hash": prev, "count": len(lines)}

    def _head(self):
        if not self.head_path.exists():
            return "genesis"
        return json.loads(self.head_path.read_text())["hash"]
