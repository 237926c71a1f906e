"""The coordinator's side of remote grading: the job a worker gets, and storing what it returns.

`remote_job` reads the submission's notebooks as text (the sizes checked here, so an oversized
file never travels), its time stamp, its fingerprint and what the learner's submission holds that
grading keeps (course.gradebook_rows.prior_state). `store_result` writes a worker's answer: the
gradebook rows in one transaction, then the autograded files in one rename, as record_job does.
Both hold the learner's lock, as local grading does.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from course.config import GradingLimits
from course.coursedir import (
    GRADING_JSON,
    GradingRecord,
    autograded,
    clean_stale,
    learner_lock,
    new_staging,
    submitted,
    swap_in,
)
from course.gradebook import course_config, one_transaction, shared_gradebook
from course.gradebook_rows import prior_state, store_graded
from course.grading.job import JobResult
from course.grading.prepare.fingerprint import fingerprint
from course.grading.prepare.job import INVALID_JSON, source_info, submitted_at
from course.grading.record.scores import CriterionResult
from course.submit import too_big

VERSION = 2


def remote_job(root: Path, level: str, learner: str, bundle: str) -> dict:
    """The job of (learner, level) for a worker holding the level's bundle `bundle`."""
    root = Path(root)
    with learner_lock(root, learner), shared_gradebook(root):
        clean_stale(root, level, learner)
        config = course_config(root)
        limit = GradingLimits(config=config).notebook_bytes
        job = {"version": VERSION, "level": level, "learner": learner, "bundle": bundle,
               "fingerprint": fingerprint(root, level, learner, config.CourseDirectory.db_url),
               "notebooks": {}, "errors": {}}
        folder = submitted(root, learner, level)
        job["submitted_at"] = submitted_at(folder)
        for name in sorted(source_info(root, level)):
            path = folder / f"{name}.ipynb"
            if not path.is_file():
                continue  # the worker says it was not submitted
            problem = too_big(path, limit)
            if problem:
                job["errors"][name] = f"{problem}, so it was not graded"
                continue
            try:
                job["notebooks"][name] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                job["errors"][name] = INVALID_JSON
        job["prior"] = prior_state(root, level, learner)
    return job


def store_result(root: Path, job: dict, output: dict) -> JobResult:
    """Write a worker's answer to `job` (run.grade_away's output; its files as text or as
    UTF-8 bytes); the JobResult."""
    root = Path(root)
    level, learner = job["level"], job["learner"]
    files = output["files"]
    allowed = {f"{name}.ipynb" for name in job["notebooks"]} | {
        f"{name}.ipynb" for name in job.get("errors", {})} | {GRADING_JSON}
    odd = sorted(set(files) - allowed)
    if odd or GRADING_JSON not in files:
        raise ValueError(f"the worker's answer holds unexpected files: {odd or 'no grading.json'}")
    record = GradingRecord.from_dict(json.loads(files[GRADING_JSON]))
    if record.fingerprint:  # the coordinator's (a replayed answer carries another job's)
        record = replace(record, fingerprint=job["fingerprint"])
    with learner_lock(root, learner):
        with shared_gradebook(root) as book, one_transaction(book):
            store_graded(root, level, learner, output["rows"], job.get("prior"),
                         job.get("submitted_at"))
        staging = new_staging(root, learner, level)
        for name, data in files.items():
            if name != GRADING_JSON:
                path = staging / name
                path.write_bytes(data) if isinstance(data, bytes) else path.write_text(
                    data, encoding="utf-8")
        record.write(staging)
        swap_in(staging, autograded(root, learner, level))
    result = output["result"]
    return JobResult(learner, level, ok=bool(result["ok"]), reason=str(result["reason"]),
                     seconds=float(result["seconds"]),
                     criteria=[CriterionResult(**c) for c in result["criteria"]],
                     flags=list(result["flags"]), errors=dict(result["errors"]))
