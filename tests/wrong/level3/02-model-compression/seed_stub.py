"""The seed's NovelOptimizationTechnique, adapted to the notebook's API as little as possible: sizes
from sys.getsizeof, apply_compression returns the model unchanged (so pruning and quantization
do nothing), find_optimal_compression answers 0.5 whatever the budget, validate_performance is
always True (so the "novel" method hands back the model unchanged), and the seed has no
comparison with other methods and no scalability analysis."""

FAILS = {"l3_novel_approach", "l3_implementation", "l3_performance_evaluation",
         "l3_baseline_comparison", "l3_scalability_analysis"}
# ruff: noqa: E402, F821, B905, B007, B023 (FAILS first; other names come from the notebook)

import sys

import pandas as pd


class NovelOptimizationTechnique:
    """Adaptive Model Compression (AMC), as in the seed."""

    def __init__(self):
        self.compression_levels = [0.1, 0.3, 0.5, 0.7, 0.9]
        self.performance_threshold = 0.95

    def adaptive_compress(self, model, resource_constraint):
        optimal_level = self.find_optimal_compression(model, resource_constraint, {})
        compressed_model = self.apply_compression(model, optimal_level)
        if self.validate_performance(compressed_model):
            return compressed_model, optimal_level
        return model, 0.0

    def find_optimal_compression(self, model, constraint, importance):
        return 0.5

    def apply_compression(self, model, level):
        return model

    def validate_performance(self, model):
        return True


def model_size_bytes(model):
    return sys.getsizeof(model)


def prune_forest(model, keep_fraction, X_val, y_val):
    return NovelOptimizationTechnique().apply_compression(model, 1 - keep_fraction)


def quantize_mlp(model, bits=8):
    return NovelOptimizationTechnique().apply_compression(model, bits)


def adaptive_compress(model, X_val, y_val, max_bytes, performance_threshold=0.95):
    amc = NovelOptimizationTechnique()
    amc.performance_threshold = performance_threshold
    compressed, level = amc.adaptive_compress(model, max_bytes)
    return {"model": compressed, "level": level, "size_bytes": model_size_bytes(compressed),
            "accuracy": float(compressed.score(X_val, y_val)), "feasible": True}


def compare_with_baselines(model, X_train, y_train, X_val, y_val, max_bytes=None):
    result = adaptive_compress(model, X_val, y_val, max_bytes)
    return pd.DataFrame([{"method": "adaptive", "size_bytes": result["size_bytes"],
                          "accuracy": result["accuracy"]}])


def scalability_analysis(X_train, y_train, X_val, n_trees=(10, 50, 100, 200), random_state=0):
    return pd.DataFrame(columns=["n_trees", "size_bytes", "latency_ms"])


def novel_compress(model, X_train, y_train, X_val, y_val, max_bytes):
    return NovelOptimizationTechnique().adaptive_compress(model, max_bytes)[0]
