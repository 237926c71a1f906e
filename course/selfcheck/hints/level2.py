"""Hints 2, 3, ... for level 2 (hint 1 is in course/criteria.py). Specific, never the hidden inputs."""

EXTRA_HINTS: dict[str, list[str]] = {
    # --- 01-production-system ---
    "l2_model_versioning": [
        "Keep one folder per name and version under the registry's root (root/name/3/...), and "
        "find the next version by listing what is there: max(existing) + 1, or 1.",
        "Store the metrics beside the model (a JSON file) and which version is production (a "
        "small JSON file per name), so a new ModelRegistry on the same root sees everything.",
    ],
    "l2_rollback": [
        "Keep a list of production versions per name, appended to on every promotion; rollback "
        "pops the current one and returns to the one before it.",
        "Persist that history on disk like the rest of the registry, and raise LookupError when "
        "there is nothing to roll back to.",
    ],
    "l2_ab_testing": [
        "h = int(hashlib.sha256(f'{salt}:{user_id}'.encode()).hexdigest(), 16) / 16**64 gives a "
        "stable number in [0, 1): walk the cumulative weights and pick the first variant whose "
        "bound exceeds it.",
        "Normalise the weights by their sum, and make the salt part of the hash: two routers "
        "with different salts should split users differently.",
    ],
    "l2_ab_analysis": [
        "Keep per variant a set of users and a set of converted users, so a user counted twice "
        "or converting twice still counts once.",
        "p_pool = total conversions / total users; se = sqrt(p_pool (1 - p_pool) (1/n_a + 1/n_b)); "
        "z = (rate_a - rate_b) / se; p = 2 * norm.sf(abs(z)). Return 1.0 when se is 0.",
        "The interval is not pooled: half = norm.ppf(0.975) * sqrt(r_a (1 - r_a) / n_a + r_b (1 - "
        "r_b) / n_b) around r_b - r_a; None for both keys when a variant has no users. "
        "required_sample_size returns int(math.ceil(...)) of the formula in the notebook.",
    ],
    "l2_monitoring": [
        "edges = np.quantile(reference, np.linspace(0.1, 0.9, 9)); bins = np.searchsorted(edges, "
        "x, side='right') gives bin indices 0..9 for reference and batch alike.",
        "Proportions p = counts / len, floored: np.maximum(p, 1e-4); PSI = sum((q - p) * "
        "log(q / p)). Drift is psi > threshold, strictly.",
    ],
    "l2_drift_false_alarms": [
        "Compute the edges once, from the reference, in __init__; each batch is binned with those "
        "same edges.",
        "Compare proportions (counts divided by the batch size), not raw counts: a batch of 1000 "
        "rows from the reference distribution should give a PSI near 0.",
    ],
    "l2_automated_retraining": [
        "run(...): model = train_fn(X, y); register it with its validation accuracy; load the "
        "current production model and score it on the same validation data.",
        "Promote when new_score > production_score + min_improvement (strictly), or when there "
        "is no production version yet; return version, promoted, new_score, production_score.",
    ],
    # --- 02-serving-at-scale ---
    "l2_cache_key": [
        "Turn the features into a canonical text first: json.dumps([float(v) for v in "
        "np.asarray(features, dtype=float).ravel()]).",
        "key = f'pred:{model_version}:' + hashlib.sha256(canonical.encode()).hexdigest(): the "
        "version in the key, and a hash that is the same in every process.",
    ],
    "l2_cache_correctness": [
        "On a miss: value = model.predict([features])[0].item(); redis.set(key, json.dumps(value), "
        "ex=ttl). On a hit: json.loads(redis.get(key)).",
        "Never pickle cached values and never str() them: json gives back an int for an int "
        "label and a float for a float prediction, the same type as on a miss.",
    ],
    "l2_concurrency": [
        "Create self._pool = ThreadPoolExecutor(max_workers=...) once in __init__, and in "
        "predict_many return list(self._pool.map(self.predict, rows)).",
        "map keeps the input order; as_completed does not. Don't start one thread per row.",
    ],
    "l2_speedup": [
        "predict must look in Redis first and call the model only on a miss; a second request "
        "for the same row must not reach the model.",
        "Don't wrap predict in functools.lru_cache: it remembers the first result in memory and "
        "never looks at Redis (or at a TTL) again.",
    ],
    "l2_rate_limiting": [
        "Per client and window: pipe = redis.pipeline(); pipe.incr(key); pipe.expire(key, "
        "window_s); count, _ = pipe.execute(); allow when count <= limit.",
        "Set the expiry only when the key is new (count == 1, or SET key 0 EX window NX before "
        "INCR) so it does not move the window; in the app, answer 429 with a Retry-After header.",
    ],
    "l2_circuit_breaker": [
        "Record the time of the failure that opened the circuit with self.clock(); the state "
        "property returns 'half-open' once clock() - opened_at >= reset_timeout_s.",
        "In call: when open, return fallback() (or raise CircuitOpenError without one); on "
        "failure count it and return fallback() or re-raise; on success close and reset the count.",
    ],
    "l2_resource_management": [
        "close() calls self._pool.shutdown(wait=True); __exit__ calls close(); __enter__ returns self.",
        "Don't call redis.close() in close(): the Redis client belongs to the caller.",
    ],
    # --- 03-mlops-pipeline ---
    "l2_cicd": [
        "Top level: {'name': ..., 'on': {'push': {'branches': ['main']}, 'pull_request': "
        "{'branches': ['main']}}, 'jobs': {...}}; each job has runs-on and steps.",
        "render_workflow returns yaml.safe_dump(build_workflow(), sort_keys=False); check that "
        "yaml.safe_load of it gives the same dict and that no job needs itself through others.",
    ],
    "l2_automated_testing": [
        "A test job whose step runs pytest --cov=... ; make train need test, and every deploy "
        "job need train (or test).",
        "Don't put an if: on github.ref on the test job: tests must run on pull requests as well.",
    ],
    "l2_staging": [
        "A deploy-staging job with needs: [train] (which needs test) and if: github.ref == "
        "'refs/heads/main'.",
        "Its steps should actually deploy (a run step naming staging), not only echo.",
    ],
    "l2_integration_testing": [
        "An integration-tests job with needs: [deploy-staging], running the integration tests "
        "against the staging deployment.",
        "Integration tests that run before staging (or without needing it) test nothing deployed.",
    ],
    "l2_production_deployment": [
        "A deploy-production job with environment: production, needs: [integration-tests] and "
        "the same main-only if: as staging.",
        "environment: production is the manual approval: its reviewers live in the repository "
        "settings, not in the workflow.",
    ],
    "l2_modern_workflow": [
        "uses: actions/checkout@v4 (or later) and, if you use it, actions/setup-python@v5 (or "
        "later); add --cov-fail-under=80 (or another bar) to the pytest step.",
        "Run actionlint on the text of render_workflow() yourself to see what it complains about.",
    ],
    "l2_pipeline_rollback": [
        "A rollback job with needs: [deploy-production] and if: failure() && "
        "needs.deploy-production.result == 'failure'.",
        "Play it through: a pull request whose unit tests fail makes failure() true in every job "
        "below test, while deploy-production is skipped. Only a failed deploy-production should "
        "roll back; without a status function in if:, GitHub adds success() and the job never runs.",
    ],
    "l2_security_scanning": [
        "A security job with a pip-audit (or safety) step and a bandit -r (or semgrep / CodeQL) "
        "step, needed by the deploy jobs.",
        "Let their failures fail the job: no continue-on-error: true, no '|| true', no --exit-zero.",
    ],
    "l2_promotion_gate": [
        "If metric not in candidate: return False; if not production: return True. Then compare "
        "candidate[metric] with production[metric].",
        "With higher_is_better the gain is candidate - production, otherwise production - "
        "candidate; promote only when the gain > min_delta (strictly).",
    ],
}
