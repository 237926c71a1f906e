"""Coordinator side, after execution: the only writer of scores to the gradebook.

Scores come from nbgrader's own post-execution steps (its autograde_preprocessors without Execute,
as the course configures them: course.grading.steps.lists) applied to the executed JSON merged into the prepared
notebook (only outputs are taken from the sandbox: sources and metadata stay the grader's). A
regrade replaces the previous result completely: every autograded score is reset first, then
integrity flags and notebooks that could not run are zeroed. The executed notebooks and
grading.json go to autograded/<learner>/<level>/ in one rename.
"""

from __future__ import annotations

import logging
import threading
import warnings
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from sqlalchemy.exc import SAWarning

from course.coursedir import GradingRecord, autograded, new_staging, swap_in
from course.gradebook import (
    course_config,
    one_transaction,
    reset_grades,
    shared_gradebook,
    zero_grades,
)
from course.grading.job import Answer, Job, JobResult
from course.grading.prepare.job import NOT_SUBMITTED, _Quiet
from course.grading.record.scores import level_results
from course.grading.record.verdicts import not_run as not_run_notebook
from course.grading.record.verdicts import settle, unscorable
from course.grading.steps.lists import scoring_steps
from course.grading.steps.shared import shared_step

log = logging.getLogger(__name__)
# nbgrader's add_submission trips a SQLAlchemy 2 warning about cascades; it is harmless.
warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.api")

OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error"}
#: One process writes the gradebook at a time (SQLite); other processes wait on SQLite's lock.
_DB_LOCK = threading.Lock()


def _merge(prepared: NotebookNode, executed: NotebookNode) -> NotebookNode:
    """The prepared notebook with the executed outputs: nothing else from the sandbox is kept."""
    if len(prepared.cells) != len(executed.cells):
        raise ValueError("the executed notebook does not match the submitted one")
    for mine, theirs in zip(prepared.cells, executed.cells, strict=True):
        if mine.cell_type != "code":
            continue
        if theirs.get("cell_type") != "code":
            raise ValueError("the executed notebook does not match the submitted one")
        outputs = [o for o in theirs.get("outputs", []) if o.get("output_type") in OUTPUT_TYPES]
        mine.outputs = outputs
        count = theirs.get("execution_count")
        mine.execution_count = count if isinstance(count, int) else None
    if "language_info" in executed.metadata:
        prepared.metadata["language_info"] = executed.metadata["language_info"]
    nbformat.validate(prepared)
    return prepared


def _score(nb: NotebookNode, name: str, level: str, learner: str, config, db_url: str) -> NotebookNode:  # noqa: ANN001
    """nbgrader's post-execution steps on one settled notebook (they write its scores)."""
    quiet = _Quiet(logging.getLogger("course.grading.nbgrader"), {})
    resources = {"nbgrader": {"notebook": name, "assignment": level, "student": learner,
                              "db_url": db_url}}
    for cls in scoring_steps(config):
        nb, resources = shared_step(cls)(config=config, log=quiet)(nb, resources)
    return nb


def record_job(root: Path, job: Job, output: Answer) -> JobResult:
    """Write the executed notebooks, scores and grading.json of one job; the JobResult.

    Every gradebook change of the job is one database transaction, committed before the
    notebooks and grading.json are swapped in.
    """
    root = Path(root)
    with shared_gradebook(root) as book:
        return _record(root, job, output, book)


def _record(root: Path, job: dict, output: dict, book) -> JobResult:  # noqa: ANN001 -- a Gradebook
    level, learner = job["level"], job["learner"]
    config = course_config(root)
    db_url = config.CourseDirectory.db_url
    errors: dict[str, str] = {**job.get("errors", {}), **output.get("errors", {})}
    flags: list[dict] = [*job.get("flags", []), *output.get("flags", [])]
    executed: dict[str, NotebookNode] = {}
    for name, text in output.get("notebooks", {}).items():
        if name not in job["notebooks"]:
            continue
        try:
            executed[name] = _merge(nbformat.reads(job["notebooks"][name], as_version=4),
                                    nbformat.reads(text, as_version=4))
        except Exception as exc:
            log.debug("executed notebook %s of %s %s unusable", name, learner, level, exc_info=True)
            errors[name] = f"the executed notebook could not be graded ({exc})"
    for name in job["notebooks"]:
        if name not in executed:
            errors.setdefault(name, "the notebook was not run")
    not_run = sorted(name for name in errors if name not in executed)
    for name in not_run:  # stored too, each test cell saying why it scores 0
        if name in job["notebooks"]:
            executed[name] = not_run_notebook(nbformat.reads(job["notebooks"][name], as_version=4),
                                              errors[name])
    partial = {n: set(ids) for n, ids in job.get("partial_credit", {}).items()}

    staging = new_staging(root, learner, level)
    with _DB_LOCK, one_transaction(book):
        reset_grades(root, level, learner, job.get("submitted_at"))
        for name, nb in sorted(executed.items()):
            flags += settle(nb, name, partial=partial.get(name, set()), flags=flags)
            try:
                nb = _score(nb, name, level, learner, config, db_url)
            except Exception as exc:  # an error while scoring is that notebook's, never the job's
                log.warning("scoring %s %s %s failed", learner, level, name, exc_info=True)
                flags += unscorable(nb, name, f"{type(exc).__name__}: {str(exc)[:200]}")
                try:
                    nb = _score(nb, name, level, learner, config, db_url)
                except Exception:  # its criteria are zeroed below from the flags
                    log.warning("scoring %s %s %s failed again", learner, level, name, exc_info=True)
            nbformat.write(nb, staging / f"{name}.ipynb")
        zero_grades(root, level, learner, not_run, flags)
    fatal = {n: m for n, m in errors.items() if n in not_run and m != NOT_SUBMITTED}
    record = GradingRecord(
        graded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(float(output.get("seconds", 0.0)), 3),
        flags=tuple(flags),
        errors=errors,
        isolation=tuple(output.get("isolation") or ()),
        missing=tuple(output.get("missing") or ()),
        submitted_at=job.get("submitted_at"),
        # a job with a notebook that failed to run is graded again by the next run
        fingerprint=None if fatal else job.get("fingerprint"),
    )
    record.write(staging)
    swap_in(staging, autograded(root, learner, level))
    reason = "; ".join(f"{n}: {m}" for n, m in sorted(fatal.items()))
    return JobResult(learner, level, ok=not fatal, reason=reason, seconds=record.seconds,
                     criteria=level_results(root, level, learner), flags=flags, errors=errors)
