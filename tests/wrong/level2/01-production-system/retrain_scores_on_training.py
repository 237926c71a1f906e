"""Scores both models on the training data: a tree that memorised its rows looks best."""

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
        try:
            production = self.registry.load(self.name)
        except LookupError:
            production = None
        production_score = (None if production is None
                            else float(accuracy_score(y, production.predict(X))))
        model = self.train_fn(X, y)
        new_score = float(accuracy_score(y, model.predict(X)))
        version = self.registry.register(self.name, model, {"accuracy": new_score})
        promoted = production_score is None or new_score > production_score + self.min_improvement
        if promoted:
            self.registry.promote(self.name, version)
        return {"version": version, "promoted": promoted,
                "new_score": new_score, "production_score": production_score}
