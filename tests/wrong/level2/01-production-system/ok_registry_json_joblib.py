"""Correct, written another way: one folder per version holding model.joblib and metrics.json,
and the production history in production.json (no single index file)."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import json
import os
from pathlib import Path

import joblib


class ModelRegistry:
    def __init__(self, root):
        self.root = Path(root)

    def _versions_on_disk(self, name):
        folder = self.root / name
        if not folder.is_dir():
            return []
        return sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit()
                      and (p / "metrics.json").exists())

    def _history(self, name):
        path = self.root / name / "production.json"
        return json.loads(path.read_text()) if path.exists() else []

    def _save_json(self, path, value):
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(value))
        os.replace(tmp, path)

    def register(self, name, model, metrics):
        version = max(self._versions_on_disk(name), default=0) + 1
        folder = self.root / name / str(version)
        folder.mkdir(parents=True)
        joblib.dump(model, folder / "model.joblib")
        self._save_json(folder / "metrics.json", {k: float(v) for k, v in metrics.items()})
        if not self._history(name):
            self._save_json(self.root / name / "production.json", [version])
        return version

    def load(self, name, version=None):
        if version is None:
            history = self._history(name)
            if not history:
                raise LookupError(f"no production version of {name}")
            version = history[-1]
        path = self.root / name / str(int(version)) / "model.joblib"
        if not path.exists():
            raise LookupError(f"{name} has no version {version}")
        return joblib.load(path)

    def promote(self, name, version):
        if int(version) not in self._versions_on_disk(name):
            raise LookupError(f"{name} has no version {version}")
        history = self._history(name)
        if not history or history[-1] != int(version):
            self._save_json(self.root / name / "production.json", history + [int(version)])

    def rollback(self, name):
        history = self._history(name)
        if len(history) < 2:
            raise LookupError(f"{name} has nothing to roll back to")
        self._save_json(self.root / name / "production.json", history[:-1])
        return history[-2]

    def versions(self, name):
        history = self._history(name)
        current = history[-1] if history else None
        return [{"version": v,
                 "metrics": json.loads((self.root / name / str(v) / "metrics.json").read_text()),
                 "production": v == current} for v in self._versions_on_disk(name)]
