"""Stage 1, on the coordinator: a submission becomes a plain-JSON job."""
