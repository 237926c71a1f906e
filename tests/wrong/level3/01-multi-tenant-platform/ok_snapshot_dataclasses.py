"""Correct: the snapshot is a frozen dataclass holding the platform's state (prices, tenants,
deployments with their models, the audit files' text), pickled into one file. In the check's fresh
Python process, pickling that notebook-defined dataclass used to raise PicklingError."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import copy
import dataclasses
import pickle
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class PlatformSnapshot:
    version: int
    cpu_hour_price: str
    gib_hour_price: str
    tenants: dict
    deployments: dict
    audit_log: str
    audit_head: str


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, two methods changed
    def snapshot(self, path):
        audit = self.audit
        state = PlatformSnapshot(
            version=1, cpu_hour_price=str(self.prices["cpu"]), gib_hour_price=str(self.prices["gib"]),
            tenants=copy.deepcopy(self.tenants), deployments=copy.deepcopy(self.deployments),
            audit_log=audit.path.read_text() if audit.path.exists() else "",
            audit_head=audit.head_path.read_text() if audit.head_path.exists() else "")
        atomic_write(Path(path), pickle.dumps(state, protocol=5))  # noqa: F821 -- the notebook's helper

    @classmethod
    def restore(cls, path, state_dir):
        state = pickle.loads(Path(path).read_bytes())
        Path(state_dir).mkdir(parents=True, exist_ok=True)
        (Path(state_dir) / "audit.jsonl").write_text(state.audit_log)
        (Path(state_dir) / "audit.head").write_text(state.audit_head)
        platform = cls(state_dir, cpu_hour_price=state.cpu_hour_price,
                       gib_hour_price=state.gib_hour_price)
        platform.tenants, platform.deployments = state.tenants, state.deployments
        return platform
