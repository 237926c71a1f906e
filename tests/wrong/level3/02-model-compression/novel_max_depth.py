"""Hands in section 5's depth-limited baseline as the novel method: a retrained forest with the
deepest max_depth that fits. It ties with the baseline it should beat."""

FAILS = {"l3_novel_approach"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

from sklearn.ensemble import RandomForestClassifier


def novel_compress(model, X_train, y_train, X_val, y_val, max_bytes):
    best = None
    for depth in range(1, 40):
        candidate = RandomForestClassifier(**{**model.get_params(), "max_depth": depth})
        candidate.fit(X_train, y_train)
        if model_size_bytes(candidate) > max_bytes:
            break
        best = candidate
    return best
