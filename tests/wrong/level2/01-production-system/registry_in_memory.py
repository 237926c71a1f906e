"""Keeps models, metrics and the production history in a dict of the instance: nothing is
written under root, so a new ModelRegistry(root) (a restart) sees nothing."""

FAILS = {"l2_model_versioning"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import copy


class ModelRegistry:
    def __init__(self, root):
        self.root = root
        self._models = {}
        self._production = {}

    def register(self, name, model, metrics):
        entries = self._models.setdefault(name, [])
        entries.append({"model": copy.deepcopy(model), "metrics": dict(metrics)})
        if name not in self._production:
            self._production[name] = [1]
        return len(entries)

    def load(self, name, version=None):
        if version is None:
            if not self._production.get(name):
                raise LookupError(name)
            version = self._production[name][-1]
        if not 1 <= int(version) <= len(self._models.get(name, [])):
            raise LookupError(f"{name} has no version {version}")
        return self._models[name][int(version) - 1]["model"]

    def promote(self, name, version):
        self.load(name, version)
        if self._production[name][-1] != int(version):
            self._production[name].append(int(version))

    def rollback(self, name):
        if len(self._production.get(name, [])) < 2:
            raise LookupError(f"{name} has nothing to roll back to")
        self._production[name].pop()
        return self._production[name][-1]

    def versions(self, name):
        current = self._production.get(name, [None])[-1]
        return [{"version": i + 1, "metrics": dict(e["metrics"]), "production": i + 1 == current}
                for i, e in enumerate(self._models.get(name, []))]
