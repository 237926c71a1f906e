"""The one table of graded criteria: title, seed line, category, hint and learning-path step of each."""

from __future__ import annotations

from dataclasses import dataclass

#: The seed's evaluation metrics and their weights in the skill profile.
CATEGORY_WEIGHTS: dict[str, float] = {
    "technical": 0.40,
    "production": 0.30,
    "leadership": 0.20,
    "innovation": 0.10,
}


@dataclass(frozen=True)
class PathStep:
    """One step of the seed's learning paths (Junior to Mid in months, Mid to Senior in quarters)."""

    id: str
    path: str
    title: str
    topics: tuple[str, ...]


#: The learning-path steps in the seed's order.
LEARNING_PATH: tuple[PathStep, ...] = (
    PathStep("jm-foundation", "Junior to Mid-Level", "Month 1-3: Foundation",
             ("Complete ML fundamentals course", "Learn Python advanced features",
              "Practice with real datasets")),
    PathStep("jm-mlops-basics", "Junior to Mid-Level", "Month 4-6: MLOps Basics",
             ("Learn Docker and Kubernetes", "Implement CI/CD pipelines",
              "Practice with cloud platforms")),
    PathStep("jm-production", "Junior to Mid-Level", "Month 7-9: Production Skills",
             ("Build end-to-end ML systems", "Implement monitoring and alerting",
              "Practice performance optimization")),
    PathStep("jm-advanced", "Junior to Mid-Level", "Month 10-12: Advanced Topics",
             ("Study distributed systems", "Learn advanced ML algorithms",
              "Practice system design")),
    PathStep("ms-architecture", "Mid-Level to Senior", "Quarter 1: Architecture",
             ("Study system design patterns", "Learn microservices architecture",
              "Practice scalability design")),
    PathStep("ms-leadership", "Mid-Level to Senior", "Quarter 2: Leadership",
             ("Lead technical projects", "Mentor junior engineers",
              "Develop communication skills")),
    PathStep("ms-innovation", "Mid-Level to Senior", "Quarter 3: Innovation",
             ("Research new technologies", "Contribute to open source",
              "Write technical papers")),
    PathStep("ms-strategy", "Mid-Level to Senior", "Quarter 4: Strategy",
             ("Develop technical strategy", "Plan team growth", "Align with business goals")),
)

PATH_STEPS: dict[str, PathStep] = {step.id: step for step in LEARNING_PATH}


@dataclass(frozen=True)
class Criterion:
    """A graded criterion: one nbgrader grade cell whose grade_id is ``id``."""

    id: str
    notebook: str  # "level1/01-ml-fundamentals"
    title: str  # short, unique, neutral: the skill, shown beside a ✅ or ❌ result
    category: str  # a key of CATEGORY_WEIGHTS
    hint: str  # the usual mistake, without revealing the hidden test
    path_step: str  # a key of PATH_STEPS
    manual: bool = False  # manually graded task cell (write-ups, review answers)
    #: The seed's line this criterion maps to, in the seed's ✅/❌ wording ("(extension)" and
    #: "(quality bar)" for the course's own); shown where the course is mapped to the seed.
    seed: str = ""

    @property
    def level(self) -> str:
        return self.notebook.split("/", 1)[0]


_ML = "level1/01-ml-fundamentals"
_DP = "level1/02-data-pipeline"
_MS = "level1/03-model-serving"
_PS = "level2/01-production-system"
_SS = "level2/02-serving-at-scale"
_MO = "level2/03-mlops-pipeline"
_MT = "level3/01-multi-tenant-platform"
_MC = "level3/02-model-compression"

CRITERIA: tuple[Criterion, ...] = (
    # --- level1/01-ml-fundamentals ---------------------------------------------------------
    Criterion(
        "l1_split", _ML, "Stratified, reproducible train/test split", "technical",
        "Split with train_test_split and pass stratify=y so both sides keep the class balance; "
        "use the test_size and random_state you are given rather than fixed numbers, and return "
        "the rows as they are (no scaling yet).",
        "jm-foundation", seed="✅ Correct use of train/test split"),
    Criterion(
        "l1_model", _ML, "Forest pipeline compared with baselines", "technical",
        "build_pipeline must return a new, unfitted Pipeline whose last step is a "
        "RandomForestClassifier(n_estimators=100, random_state=random_state); fitting happens "
        "later, in the caller. compare_models cross-validates the majority-class baseline, the "
        "logistic regression pipeline and that forest on one shared StratifiedKFold, so each "
        "fold compares the candidates on the same rows.",
        "jm-foundation", seed="✅ Appropriate model selection"),
    Criterion(
        "l1_preprocessing", _ML, "Imputation and scaling inside the pipeline", "technical",
        "Put an imputer and then a scaler inside the Pipeline, before the forest, so both are "
        "fitted on training rows only; load_dataset and split_data must hand back the values "
        "untouched. Scaling or filling the whole dataset before splitting leaks the test set's "
        "statistics into training.",
        "jm-foundation", seed="❌ Missing data preprocessing"),
    Criterion(
        "l1_metrics", _ML, "Evaluation metrics on test data", "technical",
        "Compute every metric on the test data you are given, with pos_label=1; ROC AUC needs "
        "scores, so use predict_proba(X)[:, 1], not the predicted labels.",
        "jm-foundation", seed="✅ Proper evaluation metrics"),
    Criterion(
        "l1_cross_validation", _ML, "Stratified cross-validation of the pipeline", "technical",
        "Cross-validate the whole unfitted pipeline on the raw X (not data filled or scaled "
        "beforehand) with StratifiedKFold(cv, shuffle=True, random_state=random_state) and "
        "accuracy, and report the mean and standard deviation of the very scores you return.",
        "jm-foundation", seed="❌ No cross-validation"),
    Criterion(
        "l1_tuning", _ML, "Hyperparameter search on training data", "technical",
        "Search at least two forest hyper-parameters with cross-validation on the training data "
        "you are given (GridSearchCV or RandomizedSearchCV), then return the refitted best "
        "estimator and its parameters. Never look at test data while tuning.",
        "jm-advanced", seed="❌ No hyperparameter tuning"),
    Criterion(
        "l1_serialization", _ML, "Saving and loading a model", "production",
        "Save the whole fitted pipeline with pickle or joblib inside a with-block; load_model "
        "must raise FileNotFoundError for a missing file and ValueError for a file that is not "
        "a model (corrupt, empty, or without a predict method), naming the path in both "
        "messages.",
        "jm-mlops-basics", seed="✅ Model serialization"),
    Criterion(
        "l1_accuracy", _ML, "Test accuracy of at least 0.93", "technical",
        "A correct imputer, scaler and 100-tree forest reaches about 0.95 on this data; a low "
        "score usually means the pipeline drops features, fits on the wrong rows or changes the "
        "forest's defaults for the worse.",
        "jm-foundation", seed="(quality bar)"),
    # --- level1/02-data-pipeline ------------------------------------------------------------
    Criterion(
        "l1_extract", _DP, "Loading the raw CSV", "technical",
        "Read the CSV as it is (no type coercion yet) with customer_id as an integer, and check "
        "the file first: a missing file should raise FileNotFoundError and an empty one "
        "ValueError, each naming the path so the person on call knows which file to look at.",
        "jm-foundation", seed="✅ Proper data loading"),
    Criterion(
        "l1_validation", _DP, "Data validation report", "production",
        "Report every kind of problem once per column with its count (missing values, text in "
        "a numeric column, values out of range, unknown categories) plus one message for "
        "duplicate rows that says 'duplicate', all counted on the frame as given; return an "
        "empty list for clean data.",
        "jm-production", seed="❌ No data validation"),
    Criterion(
        "l1_missing_values", _DP, "Imputing missing values", "technical",
        "Work on a copy, drop exact duplicates and quarantine invalid rows first, then fill "
        "numeric columns with the median of the rows that remain (outliers drag a mean) and "
        "contract with its mode; never impute customer_id or churned.",
        "jm-foundation", seed="✅ Missing value handling"),
    Criterion(
        "l1_features", _DP, "Engineered features without division by zero", "technical",
        "Add tenure_squared and charges_per_month = total_charges / tenure_months, and handle "
        "tenure 0 explicitly (0, not inf or NaN): a division by zero must never reach a model.",
        "jm-foundation", seed="✅ Basic feature engineering"),
    Criterion(
        "l1_persistence", _DP, "Atomic output file", "production",
        "Write to a temporary file in the same folder, then os.replace it over the target: a "
        "crash half-way must leave the previous file intact, and the error must still reach the "
        "caller (remove the temporary file, then re-raise). Write the CSV without the index.",
        "jm-production", seed="✅ Data persistence"),
    Criterion(
        "l1_error_handling", _DP, "Bad files and rows handled", "production",
        "Bad input must never turn into a silent wrong result: raise a clear exception for a "
        "file you cannot use, and quarantine (drop and count) rows you cannot trust. Range "
        "limits are inclusive: an age of exactly 18 or 110 is valid.",
        "jm-production", seed="❌ No error handling"),
    Criterion(
        "l1_logging", _DP, "Logging each pipeline stage", "production",
        "Log each stage through logging.getLogger('pipeline') with its row counts (never print), "
        "and return counts that add up: rows_in counts raw rows, the others are counted after "
        "removing duplicates.",
        "jm-production", seed="❌ No logging"),
    # --- level1/03-model-serving ------------------------------------------------------------
    Criterion(
        "l1_model_loading", _MS, "Loading the model to serve", "production",
        "load_model should open the file in a with-block and raise FileNotFoundError for a "
        "missing path; the app must answer with the very model it was given.",
        "jm-mlops-basics", seed="✅ Model loading"),
    Criterion(
        "l1_endpoint", _MS, "Prediction endpoint", "production",
        "Build the app inside create_app (no global app), around the model it is given, and "
        "register POST /predict on it; a prediction must equal model.predict on the same row.",
        "jm-mlops-basics", seed="✅ API endpoint creation"),
    Criterion(
        "l1_json_response", _MS, "JSON response types", "technical",
        "Return the model's label as a JSON number and confidence as the largest class "
        "probability, converted from numpy types with .item() (or int() / float()) before "
        "jsonify; never str().",
        "jm-mlops-basics", seed="✅ JSON response format"),
    Criterion(
        "l1_error_responses", _MS, "JSON error responses", "production",
        "Every failure of POST /predict, a model that raises included, should come back as JSON "
        "with an error message and a 4xx or 5xx status: register error handlers, never show a "
        "traceback or Flask's HTML error page.",
        "jm-production", seed="✅ Basic error handling"),
    Criterion(
        "l1_batch_predictions", _MS, "Batch predictions", "production",
        "Accept {\"instances\": [[...], ...]} and answer with predictions and confidences in the "
        "same order, predicting the whole batch in one model call.",
        "jm-production", seed="(extension)"),
    Criterion(
        "l1_input_validation", _MS, "Request input validation", "production",
        "Check the body before the model sees it: JSON object, the right key, exactly 30 finite "
        "numbers per row (booleans are not numbers), a non-empty batch of at most 1000 rows; "
        "anything else gets 400 with a message.",
        "jm-production", seed="❌ No input validation"),
    Criterion(
        "l1_authentication", _MS, "API key authentication", "production",
        "With api_keys set, check the X-API-Key header before reading the body (401 first) on "
        "every /predict request, comparing with hmac.compare_digest so timing reveals nothing. "
        "api_keys may be any iterable (even a generator): turn it into a tuple once in create_app.",
        "jm-production", seed="❌ No authentication"),
    Criterion(
        "l1_request_logging", _MS, "Logging each request", "production",
        "Log exactly one INFO record per request on logging.getLogger('serving') with method, "
        "path, status and latency (an after_request hook sees error responses too), and never "
        "the features; print is not logging.",
        "jm-production", seed="❌ No logging"),
    # --- level2/01-production-system ------------------------------------------------------
    Criterion(
        "l2_model_versioning", _PS, "Model registry versions", "production",
        "Number versions 1, 2, ... per name from what is on disk (never an in-memory counter, "
        "so numbers are not reused after a restart), persist each model and its metrics under "
        "the registry's root, and make the first version production automatically.",
        "jm-production", seed="✅ Model versioning strategy"),
    Criterion(
        "l2_rollback", _PS, "Registry rollback", "production",
        "Keep the history of production versions, not just the current one: rollback returns "
        "to the version that was in production before, which is not always version - 1.",
        "jm-production", seed="❌ No rollback strategy"),
    Criterion(
        "l2_ab_testing", _PS, "Deterministic A/B assignment", "production",
        "Assign with a stable hash of salt and user id (hashlib, not Python's hash(), which "
        "is salted per process) mapped onto the cumulative weights, so the same user gets the "
        "same variant in every process.",
        "jm-production", seed="✅ A/B testing implementation"),
    Criterion(
        "l2_ab_analysis", _PS, "A/B analysis: significance, interval, sample size", "technical",
        "Count each user once, then use the pooled two-proportion z-test, two-sided (p-value 1.0 "
        "when a variant has no users or the pooled variance is zero); report rate B - rate A with "
        "a 95 % interval from the unpooled variances, and size a test with z(1 - alpha/2) and "
        "z(power).",
        "jm-advanced", seed="(extension)"),
    Criterion(
        "l2_monitoring", _PS, "Drift monitoring with PSI", "production",
        "PSI uses ten bins whose inner edges are the reference's deciles, open outer bins, "
        "np.searchsorted(edges, x, side='right'), and empty-bin proportions floored at 1e-4; "
        "alert when PSI is strictly above the threshold.",
        "jm-production", seed="✅ Monitoring setup"),
    Criterion(
        "l2_drift_false_alarms", _PS, "No false drift alarms", "production",
        "Fresh batches from the reference distribution must not alert: compute bin edges from "
        "the reference only, and compare proportions, not counts.",
        "jm-production", seed="(quality bar)"),
    Criterion(
        "l2_automated_retraining", _PS, "Retraining that promotes only a better model", "production",
        "Register every retrained model, but promote it only when its validation accuracy beats "
        "production's accuracy on the same validation data (score it again; don't trust stored "
        "metrics) by more than min_improvement; the very first run promotes.",
        "jm-production", seed="✅ Automated retraining"),
    Criterion(
        "l2_design_writeup", _PS, "Security and latency design write-up", "production",
        "Name the threats (who can register, promote or poison data) with a mitigation each, "
        "and give a latency budget per request stage that adds up to your target.",
        "ms-architecture", manual=True, seed="❌ No security considerations / ❌ No performance optimization"),
    # --- level2/02-serving-at-scale -------------------------------------------------------
    Criterion(
        "l2_cache_key", _SS, "Stable cache keys", "production",
        "Build the key with hashlib from a canonical form of the values (e.g. JSON of floats) "
        "plus the model version; str() of a long numpy array elides its middle and hash() "
        "changes between processes.",
        "jm-production", seed="✅ Caching implementation (cache key)"),
    Criterion(
        "l2_cache_correctness", _SS, "Correct cached predictions", "production",
        "Store the prediction as JSON with a TTL (set(key, value, ex=ttl)) and return the "
        "same Python type and value on a hit as on a miss (numpy scalars need .item() before "
        "json.dumps); count hits and misses.",
        "jm-production", seed="✅ Caching implementation (correctness)"),
    Criterion(
        "l2_concurrency", _SS, "Bounded concurrent predictions", "production",
        "Use one bounded ThreadPoolExecutor(max_workers) and executor.map (or keep futures in "
        "input order) so results come back in the order of the rows.",
        "jm-production", seed="✅ Async processing / ✅ Thread pool usage"),
    Criterion(
        "l2_speedup", _SS, "Speed-up from the cache", "production",
        "A repeated request must be served from Redis without calling the model; an lru_cache "
        "on a method that reads Redis caches the first miss forever.",
        "jm-production", seed="✅ Performance optimization"),
    Criterion(
        "l2_rate_limiting", _SS, "Atomic rate limiting", "production",
        "Count with INCR and set the expiry in the same transaction (or SET NX EX then INCR "
        "in one MULTI, or a Lua script) so that exactly limit calls pass per window across "
        "threads and processes; answer a refused request with 429 and a Retry-After header.",
        "jm-advanced", seed="❌ No rate limiting"),
    Criterion(
        "l2_circuit_breaker", _SS, "Circuit breaker around Redis", "production",
        "After failure_threshold failures stop calling Redis until reset_timeout_s has passed "
        "on the injected clock, serve uncached predictions meanwhile (fallback() takes no "
        "arguments), then try once: state reads 'half-open' as soon as the timeout has passed.",
        "jm-advanced", seed="❌ No circuit breaker"),
    Criterion(
        "l2_resource_management", _SS, "Pools and connections closed", "production",
        "Create the pool once, shut it down in close() and __exit__, and leave the caller's "
        "Redis client open: no thread may outlive close().",
        "jm-production", seed="❌ No resource management"),
    # --- level2/03-mlops-pipeline ---------------------------------------------------------
    Criterion(
        "l2_cicd", _MO, "Valid CI workflow", "production",
        "Emit valid GitHub Actions YAML that triggers on push and pull_request to main, "
        "passes the workflow schema, and whose needs form no cycle; render_workflow() must "
        "read back as build_workflow() and keep on as a string key.",
        "jm-mlops-basics", seed="✅ CI/CD pipeline"),
    Criterion(
        "l2_automated_testing", _MO, "Tests with coverage before training", "production",
        "Run pytest with coverage in a job that every train and deploy job needs, directly or "
        "through other jobs, and that runs on pull requests too, not only on main.",
        "jm-mlops-basics", seed="✅ Automated testing"),
    Criterion(
        "l2_staging", _MO, "Staging deployment after tests", "production",
        "Deploy to staging only after the tests pass and only on main (an if: on github.ref).",
        "jm-mlops-basics", seed="✅ Staging deployment"),
    Criterion(
        "l2_integration_testing", _MO, "Integration tests after staging", "production",
        "Run the integration tests after the staging deployment, in a job that needs it (or "
        "later steps of the same job).",
        "jm-mlops-basics", seed="✅ Integration testing"),
    Criterion(
        "l2_production_deployment", _MO, "Production deployment behind approval", "production",
        "Add a production job with environment: production (reviewers approve it in the "
        "repository settings), on main only, after the integration tests.",
        "jm-mlops-basics", seed="❌ No production deployment"),
    Criterion(
        "l2_modern_workflow", _MO, "Current actions and a coverage gate", "production",
        "Keep every actions/checkout at v4 or later and every actions/setup-python at v5 or "
        "later (or full SHAs), add a coverage fail-under gate (--cov-fail-under=N or coverage "
        "report --fail-under=N), and make actionlint accept the rendered workflow.",
        "jm-mlops-basics", seed="(extension)"),
    Criterion(
        "l2_pipeline_rollback", _MO, "Rollback only when production failed", "production",
        "Roll back only when the production deployment itself failed: failure() alone is true "
        "when any job above failed (a unit test on a pull request), so combine it with "
        "needs.deploy-production.result == 'failure'; without a status function GitHub adds "
        "success() and the job never runs.",
        "jm-mlops-basics", seed="❌ No rollback strategy"),
    Criterion(
        "l2_security_scanning", _MO, "Security scans that fail the build", "production",
        "Add a dependency audit (pip-audit or safety) and static analysis (bandit, semgrep or "
        "CodeQL) that fail the build: no continue-on-error, no || true, no --exit-zero.",
        "jm-mlops-basics", seed="❌ No security scanning"),
    Criterion(
        "l2_promotion_gate", _MO, "Promotion gate on a metric", "production",
        "Compare the named metric in the right direction with a strict improvement beyond "
        "min_delta; a candidate without the metric fails and an empty production passes.",
        "jm-mlops-basics", seed="(extension)"),
    # --- level3/01-multi-tenant-platform --------------------------------------------------
    Criterion(
        "l3_multi_tenancy", _MT, "Tenant isolation", "technical",
        "Give deployments ids that are unique across the whole platform and, on every lookup, "
        "check that the deployment belongs to the tenant that asks; a lookup by deployment id "
        "alone lets one tenant use another's model.",
        "ms-architecture", seed="✅ Multi-tenancy design"),
    Criterion(
        "l3_resource_management", _MT, "Resource quantities and quotas", "technical",
        "Ki/Mi/Gi are powers of 1024 and k/M/G powers of 1000, m is a thousandth of a core; "
        "admit a deployment when used + requested <= limit, add CPU in whole millicores, and "
        "treat a missing limit as no limit.",
        "jm-mlops-basics", seed="✅ Resource management"),
    Criterion(
        "l3_security", _MT, "Roles and tenant ids enforced", "production",
        "Validate tenant ids as DNS-1123 labels of at most 56 characters with re.fullmatch "
        "(not re.match with $), refuse duplicates, and compare role positions in "
        "viewer < deployer < admin instead of testing role == 'deployer'.",
        "ms-architecture", seed="✅ Security implementation"),
    Criterion(
        "l3_cost_optimization", _MT, "Cost attribution and idle deployments", "production",
        "Add usage and multiply by prices in Decimal (Decimal(str(x))), round each tenant's "
        "total once with ROUND_HALF_UP (round() and Decimal's default round halves to even), "
        "and count predictions per deployment to name idle ones.",
        "jm-production", seed="✅ Cost optimization"),
    Criterion(
        "l3_disaster_recovery", _MT, "Snapshot and restore", "production",
        "Write one self-contained snapshot file with prices, tenants, grants, deployments "
        "(models and ids), usage and the audit log, and rebuild exactly that state in restore, "
        "without re-deploying or reading the original state folder.",
        "ms-architecture", seed="❌ No disaster recovery"),
    Criterion(
        "l3_performance_monitoring", _MT, "Latency percentiles per tenant", "production",
        "Keep one list of latencies per tenant (predict records its own, in milliseconds) and "
        "report np.percentile's linear percentiles, not the nearest rank or the maximum.",
        "jm-production", seed="❌ No performance monitoring"),
    Criterion(
        "l3_compliance", _MT, "Hash-chained audit log", "production",
        "Chain each audit entry to the previous entry's hash, hash every field of the entry, "
        "and keep the last hash in audit.head so that cutting entries off the end is detected; "
        "verify what is on disk.",
        "ms-architecture", seed="❌ No compliance features"),
    Criterion(
        "l3_architecture_writeup", _MT, "Architecture decision record", "technical",
        "State the isolation model with the controls that enforce it, name at least three "
        "failure domains with blast radius and recovery objectives, and weigh the decision "
        "against a rejected alternative.",
        "ms-architecture", manual=True, seed="System design: architecture decision record"),
    # --- level1/99-review (manually graded: behavioral scenarios, portfolio) -------------------
    Criterion(
        "l1_review_technical_decision", "level1/99-review",
        "Technical decision making (junior scenario)", "leadership",
        "Question a single test-set number before acting on it (how big is the test set, was it "
        "used for tuning?), compare the options fairly on the same data, weigh what matters "
        "besides accuracy in this system, then decide, say what would change the decision, and "
        "write it down where the team will find it.",
        "jm-advanced", manual=True, seed="Behavioral assessment: technical decision making"),
    Criterion(
        "l1_review_conflict_resolution", "level1/99-review",
        "Conflict resolution (junior scenario)", "leadership",
        "Ask for the other person's reasons before arguing, bring evidence that can be checked "
        "(a failing request, a measurement) rather than opinion, look for an option that meets "
        "their concern too, and know how the disagreement is settled if talking does not settle it.",
        "ms-leadership", manual=True, seed="Behavioral assessment: conflict resolution"),
    Criterion(
        "l1_review_leadership", "level1/99-review",
        "Leadership: owning a mistake (junior scenario)", "leadership",
        "Owning a mistake means stopping the damage first with the safest step, telling the "
        "people who are affected or on duty right away (impact, time window, next update), then "
        "fixing it with a test and writing a blameless account of what to change.",
        "ms-leadership", manual=True, seed="Behavioral assessment: leadership scenarios"),
    Criterion(
        "l1_review_portfolio", "level1/99-review",
        "Portfolio and learning plan (junior)", "innovation",
        "Present one project so a stranger can judge it in five minutes: the problem and who it "
        "is for, one decision and its trade-off, evidence they can check; then plan next skills "
        "with an output others can see, a way to tell you learned them, and a time frame.",
        "ms-innovation", manual=True, seed="Portfolio review: GitHub projects, technical blog posts, conference presentations (continuous learning)"),
    # --- level2/99-review (manually graded: system design, behavioral, portfolio) -------------
    Criterion(
        "l2_review_system_design", "level2/99-review",
        "System design: scaling the serving stack", "technical",
        "Start from the numbers: requests that reach the model after the cache, work per core, "
        "headroom, the budget. Optimise where the time really goes and say how you would measure "
        "it, then cover the spike, the failure of each dependency and a safe rollout.",
        "ms-architecture", manual=True, seed="System design interview: scale existing systems, optimize performance"),
    Criterion(
        "l2_review_technical_decision", "level2/99-review",
        "Technical decision making (mid-level scenario)", "leadership",
        "Frame the decision by the users' requirements, compare real options on explicit "
        "criteria beyond features (maintenance, migration risk, security, exit cost), collect "
        "time-boxed evidence, and make a decision whose reversibility you can explain.",
        "ms-strategy", manual=True, seed="Behavioral assessment: technical decision making"),
    Criterion(
        "l2_review_conflict_resolution", "level2/99-review",
        "Conflict resolution (mid-level scenario)", "leadership",
        "Read the evidence honestly first (what a p-value and an SLO actually say), then find "
        "what each person needs, agree the decision criteria before the next result comes in, "
        "and escalate jointly, with one shared write-up, if agreement fails.",
        "ms-leadership", manual=True, seed="Behavioral assessment: conflict resolution"),
    Criterion(
        "l2_review_leadership", "level2/99-review",
        "Leadership of a small team (mid-level scenario)", "leadership",
        "Look for the cause of a teammate's struggle in private before you act, change how the "
        "work is done rather than adding pressure, learn from incidents without blame, and give "
        "your manager an early, honest answer with options.",
        "ms-leadership", manual=True, seed="Behavioral assessment: leadership scenarios"),
    Criterion(
        "l2_review_portfolio", "level2/99-review",
        "Portfolio and learning plan (mid-level)", "innovation",
        "Show your own contribution and a measured result for each item, teach one lesson "
        "correctly with a demo or figure, and plan goals with visible outputs and dates along "
        "the learning path.",
        "ms-innovation", manual=True, seed="Portfolio review: GitHub projects, technical blog posts, conference presentations (continuous learning)"),
    # --- level3/99-review (manually graded: system design, behavioral, portfolio) -------------
    Criterion(
        "l3_review_system_design", "level3/99-review",
        "System design: a company-wide ML platform", "technical",
        "Quantify the requirements and scope the first year, show how data and models flow "
        "through shared components, and answer the scenario's specific pressures (isolation, "
        "residency, lineage for audits, recovery, cost, migrating what exists) with mechanisms, "
        "naming the trade-offs you chose.",
        "ms-architecture", manual=True, seed="System design interview: design ML infrastructure"),
    Criterion(
        "l3_review_technical_decision", "level3/99-review",
        "Technical decision making (senior scenario)", "leadership",
        "Measure where the cost or problem really is before choosing, size each option's gain, "
        "risk and reversibility (spot the one-way doors), run cheap experiments with success "
        "criteria, and give leadership a clear recommendation with milestones.",
        "ms-strategy", manual=True, seed="Behavioral assessment: technical decision making"),
    Criterion(
        "l3_review_conflict_resolution", "level3/99-review",
        "Conflict resolution (senior scenario)", "leadership",
        "Take a heated conflict out of public channels, listen, keep the controls that exist for "
        "a reason while negotiating how they are met, agree a concrete joint plan, and fix the "
        "friction in your own platform that caused the conflict.",
        "ms-leadership", manual=True, seed="Behavioral assessment: conflict resolution"),
    Criterion(
        "l3_review_leadership", "level3/99-review",
        "Leadership of a platform team (senior scenario)", "leadership",
        "Diagnose with one-to-ones and data before changing course, cut the roadmap to a few "
        "outcomes and say no openly, make on-call humane, talk directly with people at risk of "
        "leaving, delegate with support, and measure the result.",
        "ms-leadership", manual=True, seed="Behavioral assessment: leadership scenarios"),
    Criterion(
        "l3_review_portfolio", "level3/99-review",
        "Portfolio and learning plan (senior)", "innovation",
        "Show impact that reaches beyond your own code and how it was measured, a concrete way "
        "of staying current with an example decided by evidence, and a year's plan with a "
        "visible outcome per quarter.",
        "ms-innovation", manual=True, seed="Portfolio review: GitHub projects, technical blog posts, conference presentations (continuous learning)"),
    # --- level3/02-model-compression ------------------------------------------------------
    Criterion(
        "l3_novel_approach", _MC, "A compression method that beats retraining", "innovation",
        "Measure size as the serialized bytes, len(pickle.dumps(model, protocol=5)), never "
        "sys.getsizeof. Pruning alone only ties with a forest trained smaller: for novel_compress, "
        "find out where a tree's bytes go and what predict really needs (or another way to spend "
        "the budget), and compare with both baselines at the same size on held-out rows.",
        "ms-innovation", seed="✅ Novel approach"),
    Criterion(
        "l3_implementation", _MC, "Pruning and quantization implementation", "technical",
        "Rank trees by how well each does on the validation data (not the first or random ones) "
        "and put the kept ones in a new list on a copy, leaving the original whole; quantize "
        "weights to int8 with a scale and a zero point and keep no float copy of them (not the "
        "original model, not its optimizer state or _best_coefs): at 8 bits the pickle must stay "
        "within a sixth of the float64 weights plus 16 kB.",
        "jm-advanced", seed="✅ Implementation"),
    Criterion(
        "l3_performance_evaluation", _MC, "Compression within a byte budget", "technical",
        "Try levels from 0 (the original itself) to the most compressed, in steps of at most 0.2, "
        "and return the first whose serialized size fits max_bytes and whose validation accuracy "
        "reaches performance_threshold x the original's; when none does, return the original "
        "with feasible=False rather than a model that breaks a budget.",
        "jm-production", seed="✅ Performance evaluation"),
    Criterion(
        "l3_baseline_comparison", _MC, "Comparison with baseline methods", "innovation",
        "Compare at the same budget with a forest retrained with fewer trees and one with "
        "depth-limited trees, one row each, reporting the serialized size, the accuracy on the "
        "validation data (never the training data) and the latency per row.",
        "ms-innovation", seed="❌ No comparison with existing methods"),
    Criterion(
        "l3_scalability_analysis", _MC, "Size and latency as the forest grows", "technical",
        "Train one forest per entry of n_trees and report its serialized size and its latency per "
        "row: the time of predict on the whole batch divided by the number of rows, best of a "
        "few repeats.",
        "ms-architecture", seed="❌ No scalability analysis"),
    Criterion(
        "l3_research_writeup", _MC, "Research write-up", "innovation",
        "Relate the method to named prior work (pruning, ensemble selection, quantization, "
        "distillation), explain why it keeps accuracy, quote your own measurements including how "
        "size and latency grow with the number of trees, and name the limits, such as choosing "
        "and checking on the same validation data.",
        "ms-innovation", manual=True, seed="❌ No theoretical foundation / ✅ Documentation"),
)

BY_ID: dict[str, Criterion] = {c.id: c for c in CRITERIA}


def criteria_for(notebook: str | None = None, level: str | None = None) -> list[Criterion]:
    """Criteria of one notebook ("level1/01-ml-fundamentals") or one level, in course order."""
    return [
        c for c in CRITERIA
        if (notebook is None or c.notebook == notebook) and (level is None or c.level == level)
    ]


def get(criterion_id: str) -> Criterion:
    """The criterion with this id; KeyError names the id when it is unknown."""
    try:
        return BY_ID[criterion_id]
    except KeyError:
        raise KeyError(f"unknown criterion id {criterion_id!r}") from None
