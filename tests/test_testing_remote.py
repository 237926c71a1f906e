"""course.testing's boundary-ready helpers in one process (a learner's kernel, `check()`)."""

from __future__ import annotations

import logging
import pickle
import threading

import pandas as pd
import pytest

from course.testing import (
    call_many,
    capture_logs,
    is_instance,
    is_learner_object,
    learner_copy,
    on_learner,
    pickled_size,
    thread_ids,
)
from course.testing.probes import watch_fits


def test_in_one_process_the_helpers_are_their_plain_counterparts():
    frame = pd.DataFrame({"x": [1, 2]})
    copy = learner_copy(frame)
    copy["x"] = 0
    assert list(frame["x"]) == [1, 2] and not is_learner_object(copy)
    assert is_instance(frame, pd.DataFrame) and not is_instance(frame, (dict, list))
    assert on_learner(sum, [1, 2, 3]) == 6
    assert call_many(str.upper, ["a", "b"]) == ["A", "B"]
    assert call_many(pow, [(2, 3), (3, 2)], star=True) == [8, 9]
    assert pickled_size({"a": 1}) == len(pickle.dumps({"a": 1}, protocol=5))


def test_capture_logs_reads_records_as_plain_data_and_restores_the_logger():
    logger = logging.getLogger("course-test-capture")
    logger.setLevel(logging.WARNING)
    with capture_logs("course-test-capture", logging.INFO) as logs:
        logger.info("served %s in %.1f ms", "/predict", 3.25, extra={"status": 200})
        logger.debug("not at INFO")
        records = logs.records
        logs.clear()
        assert logs.records == []
    assert logger.level == logging.WARNING and not logger.handlers
    assert len(records) == 1
    record = records[0]
    assert record.getMessage() == "served /predict in 3.2 ms" and record.levelno == logging.INFO
    assert record.args == ("/predict", 3.25) and vars(record)["status"] == 200


def test_thread_ids_see_threads_started_and_ended():
    before = thread_ids()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    assert thread_ids() - before == {thread.ident}
    stop.set()
    thread.join()
    assert thread.ident not in thread_ids()


def test_watch_fits_records_each_fit_with_its_rows():
    from sklearn.tree import DecisionTreeClassifier

    model = DecisionTreeClassifier()
    with watch_fits(DecisionTreeClassifier) as fits:
        model.fit([[0], [1], [2]], [0, 1, 1])
    assert fits == [(model, 3)]
    assert DecisionTreeClassifier.fit.__name__ == "fit" and not hasattr(DecisionTreeClassifier.fit, "mock_calls")


def test_on_learner_in_one_process_is_a_plain_call():
    assert on_learner(lambda: 5) == 5  # in one process there is nowhere else to run it
    with pytest.raises(ZeroDivisionError):
        on_learner(divmod, 1, 0)
