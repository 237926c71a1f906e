"""The reasons a notebook could not run, as the learner reads them in grading.json: the executor's
own words, never an exception text from nbclient or jupyter_client (they may quote a test cell)."""

from __future__ import annotations

from nbclient.exceptions import CellTimeoutError
from nbformat import v4

from course.grading.sandbox.inside.executor import NoReply, NotebookError, learner_safe_reason


def test_nbclient_exceptions_reach_the_learner_without_the_cell_preview():
    cell = v4.new_code_cell("secret = 'zanzibar'  # a hidden test\ncheck(f(secret) == 1)")
    exc = CellTimeoutError.error_from_timeout_and_cell("Timeout waiting for IOPub output", 4, cell)
    assert "zanzibar" in str(exc)  # what nbclient says...
    reason = learner_safe_reason(exc)
    assert "zanzibar" not in reason and "CellTimeoutError" in reason  # ...is not what we say


def test_any_other_exception_gives_its_type_only():
    assert learner_safe_reason(RuntimeError("Kernel didn't respond: cell 'zanzibar'")) == (
        "RuntimeError in the grading process (the grader's log has the details)")


def test_the_executors_own_reasons_are_kept():
    assert learner_safe_reason(NotebookError("the learner kernel could not connect")) == (
        "the learner kernel could not connect")
    assert isinstance(NoReply("x"), TimeoutError)
