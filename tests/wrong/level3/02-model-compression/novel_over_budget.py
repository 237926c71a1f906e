"""Stores every tree in compact arrays (a good idea, about a seventh of the bytes) but never
checks the result against max_bytes: at a tenth of the size, the compact forest does not fit."""

FAILS = {"l3_novel_approach"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)


def novel_compress(model, X_train, y_train, X_val, y_val, max_bytes):
    return CompressedModel(model)
