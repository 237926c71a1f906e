"""Correct, written another way: finds the production version with versions() and loads it
by number."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)

from sklearn.metrics import accuracy_score


class RetrainingPipeline:
    """Retrain, register, and promote only a model that beats production on validation data."""

    def __init__(self, registry, name, train_fn, min_improvement=0.0):
        self.registry = registry
        self.name = name
        self.train_fn = train_fn
        self.min_improvement = float(min_improvement)

    def run(self, X, y, X_val, y_val):
        """Train on (X, y), register, promote if better; return version, promoted, new_score, production_score."""
        try:
            current = [v["version"] for v in self.registry.versions(self.name) if v["production"]]
            production = self.registry.load(self.name, current[0])
        except (LookupError, IndexError):
            production = None
        production_score = (None if production is None
                            else float(accuracy_score(y_val, production.predict(X_val))))
        model = self.train_fn(X, y)
        new_score = float(accuracy_score(y_val, model.predict(X_val)))
        version = self.registry.register(self.name, model, {"accuracy": new_score})
        promoted = production_score is None or new_score > production_score + self.min_improvement
        if promoted:
            self.registry.promote(self.name, version)
        return {"version": version, "promoted": promoted,
                "new_score": new_score, "production_score": production_score}
