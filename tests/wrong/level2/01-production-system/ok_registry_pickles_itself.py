"""Pickles the whole registry (dataclass entries, models inside) to one file, atomically.

Correct: a new ModelRegistry(root) unpickles that file, in this process or another. In the
notebook the classes pickle by reference (`__main__.ModelRegistry`); the fresh-process check
must behave the same way (it raised PicklingError before the harness registered them).
"""

FAILS = set()
# ruff: noqa: E402

import dataclasses
import os
import pickle
import tempfile
from pathlib import Path


@dataclasses.dataclass
class _Version:
    version: int
    metrics: dict
    model: object


class ModelRegistry:
    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.entries = {}        # name -> [_Version]
        self.production = {}     # name -> [version, ...], the last one serving
        state = self.root / "registry.pkl"
        if state.exists():
            with open(state, "rb") as handle:
                saved = pickle.load(handle)
            self.entries, self.production = saved.entries, saved.production

    def _save(self):
        fd, tmp = tempfile.mkstemp(dir=self.root)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(self, handle)
        os.replace(tmp, self.root / "registry.pkl")

    def register(self, name, model, metrics):
        entries = self.entries.setdefault(name, [])
        version = len(entries) + 1
        entries.append(_Version(version, dict(metrics), model))
        if not self.production.get(name):
            self.production[name] = [version]
        self._save()
        return version

    def _entry(self, name, version):
        for entry in self.entries.get(name, []):
            if entry.version == int(version):
                return entry
        raise LookupError(f"{name} has no version {version}")

    def load(self, name, version=None):
        if version is None:
            if not self.production.get(name):
                raise LookupError(f"{name} has no production version")
            version = self.production[name][-1]
        return self._entry(name, version).model

    def promote(self, name, version):
        self._entry(name, version)
        if self.production[name][-1] != int(version):
            self.production[name].append(int(version))
            self._save()

    def rollback(self, name):
        if len(self.production.get(name, [])) < 2:
            raise LookupError(f"{name} has nothing to roll back to")
        self.production[name].pop()
        self._save()
        return self.production[name][-1]

    def versions(self, name):
        current = self.production.get(name, [None])[-1]
        return [{"version": e.version, "metrics": dict(e.metrics), "production": e.version == current}
                for e in self.entries.get(name, [])]
