"""Hints 2, 3, ... for level 3 (hint 1 is in course/criteria.py). Specific, never the hidden inputs."""

EXTRA_HINTS: dict[str, list[str]] = {
    # --- 01-multi-tenant-platform ---
    "l3_multi_tenancy": [
        "Keep deployments in one platform-wide dict keyed by an id such as f'{tenant_id}-{n}' "
        "with a counter, and store the owning tenant in each record.",
        "In predict (and anything else that takes a deployment id), look the record up and raise "
        "PermissionError or LookupError when record['tenant'] != tenant_id, before touching the "
        "model. State kept per tenant (usage, latencies, grants) lives under that tenant's key.",
    ],
    "l3_resource_management": [
        "Parse with one table of suffix multipliers: {'Ki': 2**10, 'Mi': 2**20, 'Gi': 2**30, "
        "'k': 10**3, 'M': 10**6, 'G': 10**9}; match the number with a regex such as "
        r"r'(\d+(\.\d+)?)([A-Za-z]*)' and raise ValueError for anything else.",
        "Work in integers to avoid float drift: millicores for CPU (round(cores * 1000)) and "
        "bytes for memory; a deployment is admitted when used + requested <= limit, exactly at "
        "the limit included.",
    ],
    "l3_security": [
        r"A DNS-1123 label is re.fullmatch(r'[a-z0-9]([-a-z0-9]*[a-z0-9])?', s) and "
        "len(s) <= 56 here; anything else (upper case, dots, slashes, a trailing newline) is a "
        "ValueError, and an id already in use is refused too.",
        "Map roles to ranks, {'viewer': 0, 'deployer': 1, 'admin': 2}, and allow an action when "
        "the user's rank >= the rank it needs; a user with no grant on that tenant has no rank.",
    ],
    "l3_cost_optimization": [
        "Sum each tenant's cpu_hours and memory_gib_hours as Decimal(str(value)), then "
        "cost = cpu * Decimal(str(cpu_hour_price)) + mem * Decimal(str(gib_hour_price)).",
        "Round once per tenant with cost.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP) and "
        "only then convert to float for the DataFrame; idle_deployments lists every deployment "
        "whose prediction count is still 0, across all tenants.",
    ],
    "l3_disaster_recovery": [
        "A snapshot is one file (pickle or joblib of a plain dict) holding everything restore "
        "needs: prices, tenants and their configs, grants, deployments with their ids, models "
        "and counters, usage, latencies and the audit log.",
        "restore(path, state_dir) is a classmethod that builds a new platform on state_dir from "
        "that file alone and keeps the deployment ids; predictions of the restored platform "
        "must equal the original's for the same features.",
    ],
    "l3_performance_monitoring": [
        "Time each predict with time.perf_counter() around the model call, convert to "
        "milliseconds, and append to that tenant's list through record_latency.",
        "Return {'p50': float(np.percentile(values, 50)), 'p95': ..., 'p99': ...} with numpy's "
        "default (linear) method, from that tenant's values only.",
    ],
    "l3_compliance": [
        "Each entry stores prev (the previous entry's hash) and hash = sha256 of the entry's "
        "canonical JSON (json.dumps(entry, sort_keys=True)) including prev; append it as one "
        "line to audit.jsonl and write the new hash to audit.head.",
        "verify_audit_log re-reads the file, recomputes every hash, checks each prev link from "
        "the first entry, and checks that the last hash equals audit.head: an edit, a deletion "
        "(last entry included) or a reordering then breaks one of those checks.",
    ],
    # --- 02-model-compression ---
    "l3_novel_approach": [
        "model_size_bytes(model) is exactly len(pickle.dumps(model, protocol=5)). For "
        "novel_compress, build both baselines at a tenth of the forest's size first and score "
        "them on held-out rows: that accuracy plus one point is the bar. Then pickle one tree and "
        "look at tree.tree_.__getstate__(): how many bytes per node, in which dtypes, and which "
        "fields does predict read?",
        "scikit-learn stores 64-bit child indices and counts, a float64 threshold and impurity "
        "and float64 class values for every node. predict needs only the two children, the "
        "feature, the threshold and the leaves' class shares: as int16, float32 and uint8 arrays "
        "they take about a seventh of the bytes, so a tenth of the budget holds most of the "
        "trees. Walk all rows down a tree with NumPy one level per step, and average the leaf "
        "class shares over the trees as the forest does.",
    ],
    "l3_implementation": [
        "Score every tree on X_val, y_val (tree.predict returns class indices: map them through "
        "model.classes_) and keep the int(round(keep_fraction * n)) best, at least one, in a new "
        "list on a copy (pruned.estimators_ = [...]): at keep_fraction 0.3 the pickle shrinks to "
        "about a third.",
        "For the MLP: per weight matrix, scale = (max - min) / 255, zero_point = "
        "round(-min / scale) - 128, q = clip(round(w / scale) + zero_point, -128, 127) as "
        "np.int8; predict dequantizes (q - zero_point) * scale and runs the forward pass.",
    ],
    "l3_performance_evaluation": [
        "Build a list of candidate levels from least to most compressed (for forests, fractions "
        "of trees removed such as 0.0, 0.1, ... 0.9: start at 0, the original, and keep the "
        "steps at 0.2 or less) and stop at the first that satisfies both "
        "model_size_bytes(candidate) <= max_bytes and accuracy >= threshold * original.",
        "Return a dict with model, level, size_bytes, accuracy and feasible; when no level "
        "passes, return the original model, its level (0.0, or 64 bits for an MLP), its size "
        "and accuracy, and feasible=False.",
    ],
    "l3_baseline_comparison": [
        "Three rows: 'adaptive' (your adaptive_compress result), 'fewer_trees' (a new forest "
        "retrained with about as many trees as the adaptive model kept) and 'max_depth' (a "
        "forest retrained with limited depth).",
        "For each, size_bytes = model_size_bytes(m), accuracy on X_val, y_val, and latency_ms = "
        "time of m.predict(X_val) / len(X_val) * 1000, best of a few repeats.",
    ],
    "l3_scalability_analysis": [
        "One row per value in n_trees, in that order: train a forest with that many trees on "
        "X_train, y_train (fixed random_state), then measure it.",
        "latency_ms is per row: the time of one predict call on all of X_val divided by "
        "len(X_val), in milliseconds (best of a few repeats to reduce noise).",
    ],
}
