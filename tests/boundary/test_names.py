"""learner_names: the free names test cells read, and nothing they bind themselves."""

from __future__ import annotations

from course.boundary.names import learner_names


def test_free_names_in_every_scope_minus_what_test_cells_bind():
    cells = [
        "import numpy as np\nfrom course.testing import check\n_X = load_dataset()\n"
        "check(isinstance(split_data(_X), tuple), 'x')\n",
        "def _hidden():\n    model = build_pipeline(random_state=1)\n"
        "    class Fake(Base):\n        pass\n    return [evaluate(m) for m in (model, Fake())]\n"
        "_hidden()\ndel _hidden\n",
        "try:\n    deploy()\nexcept ResourceError:\n    pass\n",
        "%matplotlib inline\n!ls\nx = y_from_learner\n",
        "def broken(:\n",
        "global_name = 1\ndef f():\n    global later\n    later = 2\n    return later + global_name\n",
    ]
    assert learner_names(cells) == ["Base", "ResourceError", "build_pipeline", "deploy", "evaluate",
                                    "load_dataset", "split_data", "y_from_learner"]


def test_builtins_and_ipython_names_are_not_the_learners():
    assert learner_names(["print(len(In), display, get_ipython(), ValueError, __name__)"]) == []


def test_a_name_bound_in_one_test_cell_is_the_tests_in_all_of_them():
    assert learner_names(["rc = redis_client()", "rc.flushdb()\nCachedPredictor(rc)"]) == [
        "CachedPredictor", "redis_client"]
