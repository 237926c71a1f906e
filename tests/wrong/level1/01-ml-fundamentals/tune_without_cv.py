"""Scores every candidate on the rows it was trained on (no cross-validation): the deepest, most
overfitted forest always wins."""

FAILS = {"l1_tuning"}
# ruff: noqa: E402, F821 (FAILS comes first; names like build_pipeline come from the notebook)

from sklearn.model_selection import ParameterGrid


def tune_hyperparameters(X_train, y_train, random_state=42):
    best_score, best_model, best_params = -1.0, None, None
    for params in ParameterGrid({"model__max_depth": [None, 6], "model__min_samples_leaf": [1, 3]}):
        model = build_pipeline(random_state=random_state).set_params(**params)
        model.fit(X_train, y_train)
        score = model.score(X_train, y_train)
        if score > best_score:
            best_score, best_model, best_params = score, model, params
    return best_model, best_params
