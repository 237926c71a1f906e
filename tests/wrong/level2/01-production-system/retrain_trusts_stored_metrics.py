"""Compares the candidate with the accuracy stored when production was registered, instead
of scoring the production model on today's validation data."""

FAILS = {"l2_automated_retraining"}
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
        current = [v for v in self.registry.versions(self.name) if v["production"]]
        production_score = float(current[0]["metrics"]["accuracy"]) if current else None
        model = self.train_fn(X, y)
        new_score = float(accuracy_score(y_val, model.predict(X_val)))
        version = self.registry.register(self.name, model, {"accuracy": new_score})
        promoted = production_score is None or new_score > production_score + self.min_improvement
        if promoted:
            self.registry.promote(self.name, version)
        return {"version": version, "promoted": promoted,
                "new_score": new_score, "production_score": production_score}
