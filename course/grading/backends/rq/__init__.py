"""The RQ back-end: a coordinator that prepares and records, workers that execute."""
