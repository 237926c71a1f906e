"""clone_here: a learner's scikit-learn estimator rebuilt from the grader's own classes (finding 6).

A test computes its reference values (cross-validated scores) with the grader's own library code
on an estimator rebuilt here; nothing of that computation runs where learner code could replace it.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import KNNImputer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

from course.boundary.proxies import is_proxy
from course.testing import NotRebuildable, clone_here

LEARNER = """
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import KNNImputer, SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler, RobustScaler
from sklearn.base import BaseEstimator, TransformerMixin

def build_pipeline(random_state=42):
    return make_pipeline(KNNImputer(n_neighbors=3), MinMaxScaler(),
                         RandomForestClassifier(n_estimators=7, random_state=random_state))

def with_selector(random_state=42):
    numeric = Pipeline([("fill", SimpleImputer(strategy="mean")), ("scale", RobustScaler())])
    prepare = ColumnTransformer([("numeric", numeric, make_column_selector(dtype_include="number"))])
    return Pipeline([("prepare", prepare),
                     ("forest", RandomForestClassifier(n_estimators=5, random_state=random_state))])

class Mine(BaseEstimator, TransformerMixin):
    def fit(self, X, y=None):
        return self
    def transform(self, X):
        return X

def with_own_step():
    return make_pipeline(Mine(), RandomForestClassifier(n_estimators=3))

def with_memory(folder):
    return make_pipeline(KNNImputer(), RandomForestClassifier(n_estimators=3), memory=folder)
"""


def test_a_learner_pipeline_is_rebuilt_here_from_sklearn_classes(make_pair):
    p = make_pair(LEARNER)
    learner_pipe = p["build_pipeline"](random_state=3)
    assert is_proxy(learner_pipe)
    rebuilt = clone_here(learner_pipe)
    assert not is_proxy(rebuilt) and type(rebuilt) is Pipeline
    assert type(rebuilt.steps[0][1]) is KNNImputer and rebuilt.steps[0][1].n_neighbors == 3
    forest = rebuilt.steps[-1][1]
    assert type(forest) is RandomForestClassifier and forest.random_state == 3 and forest.n_estimators == 7
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    X[rng.random(X.shape) < 0.1] = np.nan
    y = (rng.random(60) < 0.5).astype(int)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=1)
    here = cross_val_score(rebuilt, X, y, cv=folds)
    there = cross_val_score(p.learner_ns["build_pipeline"](random_state=3), X, y, cv=folds)  # in one process
    assert np.array_equal(here, there)


def test_a_column_selector_and_nested_pipelines_are_rebuilt(make_pair):
    p = make_pair(LEARNER)
    rebuilt = clone_here(p["with_selector"](random_state=4))
    prepare = rebuilt.steps[0][1]
    assert type(prepare) is ColumnTransformer
    assert prepare.transformers[0][2].dtype_include == "number"


def test_learner_classes_and_cache_folders_are_not_rebuilt(make_pair, tmp_path):
    p = make_pair(LEARNER)
    with pytest.raises(NotRebuildable):
        clone_here(p["with_own_step"]())
    with pytest.raises(NotRebuildable, match="memory"):
        clone_here(p["with_memory"](str(tmp_path)))


def test_in_one_process_it_is_sklearns_clone():
    forest = RandomForestClassifier(n_estimators=4, random_state=2)
    copy = clone_here(forest)
    assert copy is not forest and copy.get_params() == forest.get_params()
