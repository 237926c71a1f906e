"""The one table of graded criteria: title, category, hint and learning-path step of each."""

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
    title: str  # in the seed's wording, prefixed ✅ or ❌ as in the seed
    category: str  # a key of CATEGORY_WEIGHTS
    hint: str  # the usual mistake, without revealing the hidden test
    path_step: str  # a key of PATH_STEPS
    manual: bool = False  # manually graded task cell (write-ups, review answers)

    @property
    def level(self) -> str:
        return self.notebook.split("/", 1)[0]


_ML = "level1/01-ml-fundamentals"

CRITERIA: tuple[Criterion, ...] = (
    # --- level1/01-ml-fundamentals ---------------------------------------------------------
    Criterion(
        "l1_split", _ML, "✅ Correct use of train/test split", "technical",
        "Split with train_test_split and pass stratify=y so both sides keep the class balance; "
        "use the test_size and random_state you are given rather than fixed numbers, and return "
        "the rows as they are (no scaling yet).",
        "jm-foundation"),
    Criterion(
        "l1_model", _ML, "✅ Appropriate model selection", "technical",
        "build_pipeline must return a new, unfitted Pipeline whose last step is a "
        "RandomForestClassifier(n_estimators=100, random_state=random_state). Fitting happens "
        "later, in the caller.",
        "jm-foundation"),
    Criterion(
        "l1_preprocessing", _ML, "❌ Missing data preprocessing", "technical",
        "Put an imputer and then a scaler inside the Pipeline, before the forest, so both are "
        "fitted on training rows only; load_dataset and split_data must hand back the values "
        "untouched. Scaling or filling the whole dataset before splitting leaks the test set's "
        "statistics into training.",
        "jm-foundation"),
    Criterion(
        "l1_metrics", _ML, "✅ Proper evaluation metrics", "technical",
        "Compute every metric on the test data you are given, with pos_label=1; ROC AUC needs "
        "scores, so use predict_proba(X)[:, 1], not the predicted labels.",
        "jm-foundation"),
    Criterion(
        "l1_cross_validation", _ML, "❌ No cross-validation", "technical",
        "Cross-validate the whole unfitted pipeline on the raw X (not data filled or scaled "
        "beforehand) with StratifiedKFold(cv, shuffle=True, random_state=random_state) and "
        "accuracy, and report the mean and standard deviation of the very scores you return.",
        "jm-foundation"),
    Criterion(
        "l1_tuning", _ML, "❌ No hyperparameter tuning", "technical",
        "Search at least two forest hyper-parameters with cross-validation on the training data "
        "you are given (GridSearchCV or RandomizedSearchCV), then return the refitted best "
        "estimator and its parameters. Never look at test data while tuning.",
        "jm-advanced"),
    Criterion(
        "l1_serialization", _ML, "✅ Model serialization", "production",
        "Save the whole fitted pipeline with pickle or joblib inside a with-block; load_model "
        "must raise FileNotFoundError for a missing file and ValueError for a file that is not "
        "a model (corrupt, empty, or without a predict method), naming the path in both "
        "messages.",
        "jm-mlops-basics"),
    Criterion(
        "l1_accuracy", _ML, "Quality bar: test accuracy of at least 0.93", "technical",
        "A correct imputer, scaler and 100-tree forest reaches about 0.95 on this data; a low "
        "score usually means the pipeline drops features, fits on the wrong rows or changes the "
        "forest's defaults for the worse.",
        "jm-foundation"),
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
