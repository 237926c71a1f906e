"""rollback promotes version - 1, which may never have been in production."""

FAILS = {"l2_rollback"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import json
import os
import pickle
import re
import tempfile
from pathlib import Path


class ModelRegistry:
    """A model registry on disk: numbered versions per name, their metrics, and a production pointer.

    Layout under root: <name>/v<version>.pkl (the pickled model) and <name>/registry.json (the
    versions with their metrics, and the history of production versions, the last one current).
    """

    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def register(self, name, model, metrics):
        """Store model as the next version of name (1, 2, ...) with its metrics; return the version.

        The first version registered under a name becomes production automatically.
        """
        index = self._read_index(name)
        version = max((entry["version"] for entry in index["versions"]), default=0) + 1
        folder = self._folder(name)
        folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(folder / f"v{version}.pkl", pickle.dumps(model))
        index["versions"].append({"version": version, "metrics": _plain_metrics(metrics)})
        if not index["production"]:
            index["production"].append(version)
        self._write_index(name, index)
        return version

    def load(self, name, version=None):
        """Return the model stored as version of name; version=None means the production version.

        Raises LookupError when there is no such version (or no production version).
        """
        index = self._read_index(name)
        if version is None:
            if not index["production"]:
                raise LookupError(f"model {name!r} has no production version")
            version = index["production"][-1]
        self._check_version(name, index, version)
        with open(self._folder(name) / f"v{int(version)}.pkl", "rb") as handle:
            return pickle.load(handle)  # only registries you trust: unpickling runs code

    def promote(self, name, version):
        """Make version the production version of name."""
        index = self._read_index(name)
        self._check_version(name, index, version)
        if not index["production"] or index["production"][-1] != int(version):
            index["production"].append(int(version))
            self._write_index(name, index)

    def rollback(self, name):
        """Go back to the version that was in production before the current one; return it."""
        index = self._read_index(name)
        previous = index["production"][-1] - 1
        self._check_version(name, index, previous)
        index["production"].append(previous)
        self._write_index(name, index)
        return previous

    def versions(self, name):
        """List the versions of name, oldest first: dicts with version, metrics and production."""
        index = self._read_index(name)
        current = index["production"][-1] if index["production"] else None
        return [{"version": entry["version"], "metrics": dict(entry["metrics"]),
                 "production": entry["version"] == current} for entry in index["versions"]]

    # Helpers (optional: use them, change them, or delete them).

    def _folder(self, name):
        """The folder of name under root; refuses names that could escape it ('../x')."""
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", name):
            raise ValueError(f"model names are letters, digits, '.', '_' and '-', not {name!r}")
        return self.root / name

    def _read_index(self, name):
        """The index of name: {"versions": [{"version", "metrics"}], "production": [versions]}."""
        path = self._folder(name) / "registry.json"
        if not path.exists():
            return {"versions": [], "production": []}
        return json.loads(path.read_text(encoding="utf-8"))

    def _write_index(self, name, index):
        """Save the index of name atomically."""
        _atomic_write(self._folder(name) / "registry.json", json.dumps(index, indent=1).encode())

    def _check_version(self, name, index, version):
        """Raise LookupError unless version is a registered version of name."""
        if int(version) not in {entry["version"] for entry in index["versions"]}:
            raise LookupError(f"model {name!r} has no version {version!r}")


def _plain_metrics(metrics):
    """Metrics as JSON-ready plain values (numpy numbers become Python numbers)."""
    return {str(key): (value.item() if hasattr(value, "item") else value)
            for key, value in dict(metrics).items()}


def _atomic_write(path, data):
    """Write bytes to a temporary file in the same folder, then rename it over path."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
