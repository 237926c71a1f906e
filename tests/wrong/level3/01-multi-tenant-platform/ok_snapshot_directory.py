"""Correct: the snapshot is a folder (state.json plus one joblib file per model) instead of one pickle."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import json
import shutil
from decimal import Decimal
from pathlib import Path

import joblib


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, two methods changed
    def snapshot(self, path):
        target = Path(path)
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "models").mkdir(parents=True)
        tenants = {}
        for tenant_id, t in self.tenants.items():
            tenants[tenant_id] = {"config": t["config"], "limits": t["limits"], "grants": t["grants"],
                                  "usage": {k: str(v) for k, v in t["usage"].items()},
                                  "latencies": t["latencies"]}
        deployments = {}
        for i, (dep_id, d) in enumerate(self.deployments.items()):
            joblib.dump(d["model"], staging / "models" / f"{i}.joblib")
            deployments[dep_id] = {k: v for k, v in d.items() if k != "model"} | {"file": f"{i}.joblib"}
        audit = {"log": self.audit.path.read_text() if self.audit.path.exists() else "",
                 "head": self.audit.head_path.read_text() if self.audit.head_path.exists() else ""}
        (staging / "state.json").write_text(json.dumps({
            "prices": {k: str(v) for k, v in self.prices.items()}, "tenants": tenants,
            "deployments": deployments, "audit": audit}))
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)

    @classmethod
    def restore(cls, path, state_dir):
        source = Path(path)
        state = json.loads((source / "state.json").read_text())
        Path(state_dir).mkdir(parents=True, exist_ok=True)
        (Path(state_dir) / "audit.jsonl").write_text(state["audit"]["log"])
        if state["audit"]["head"]:
            (Path(state_dir) / "audit.head").write_text(state["audit"]["head"])
        platform = cls(state_dir, cpu_hour_price=state["prices"]["cpu"],
                       gib_hour_price=state["prices"]["gib"])
        for tenant_id, t in state["tenants"].items():
            t["usage"] = {k: Decimal(v) for k, v in t["usage"].items()}
            platform.tenants[tenant_id] = t
        for dep_id, d in state["deployments"].items():
            d["model"] = joblib.load(source / "models" / d.pop("file"))
            platform.deployments[dep_id] = d
        return platform
