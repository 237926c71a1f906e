"""Correct: snapshot pickles the platform object itself (with the audit files' text attached), the
shortest snapshot there is. In the notebook it works; in the check's fresh Python process it used
to raise PicklingError, because the class that came from the notebook could not be found by name
there."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import pickle
from pathlib import Path


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, two methods changed
    def snapshot(self, path):
        audit = self.audit
        self.saved_audit = (audit.path.read_text() if audit.path.exists() else "",
                            audit.head_path.read_text() if audit.head_path.exists() else "")
        try:
            data = pickle.dumps(self, protocol=5)
        finally:
            del self.saved_audit
        atomic_write(Path(path), data)  # noqa: F821 -- the notebook's helper

    @classmethod
    def restore(cls, path, state_dir):
        platform = pickle.loads(Path(path).read_bytes())
        log, head = platform.__dict__.pop("saved_audit")
        Path(state_dir).mkdir(parents=True, exist_ok=True)
        (Path(state_dir) / "audit.jsonl").write_text(log)
        (Path(state_dir) / "audit.head").write_text(head)
        fresh = cls(state_dir)
        platform.state_dir, platform.audit = fresh.state_dir, fresh.audit
        return platform
