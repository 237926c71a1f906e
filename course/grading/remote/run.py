"""The worker's side of remote grading: one job graded in a scratch course made from a bundle.

The scratch course is a private temporary folder: the bundle's configuration (loaded, then
pointed at the folder and its scratch gradebook), the level's source and release notebooks, a
copy of the bundle's gradebook with the learner's kept values (`apply_prior`), and the
submission. Local grading's own functions grade it (prepare_job, execute_job in the sandbox,
record_job); what they leave is returned as plain JSON data and the folder is removed.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from course.config import CONFIG_FILE, SCRATCH_MARKER
from course.coursedir import autograded, submitted
from course.gradebook import drop_engine
from course.gradebook_rows import apply_prior, graded_rows
from course.grading.remote.bundle import GRADEBOOK

_CONFIG = '''"""A worker's scratch course: the course's settings, its own gradebook and folders here."""

import os

c = get_config()  # noqa: F821 -- provided by traitlets
load_subconfig({config!r})  # noqa: F821 -- the course's settings: limits, steps, late penalties

HERE = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, {gradebook!r})
'''


def _scratch(root: Path, bundle: Path, job: dict) -> None:
    level, learner = job["level"], job["learner"]
    (root / SCRATCH_MARKER).write_text("grading\n", encoding="utf-8")
    (root / CONFIG_FILE).write_text(_CONFIG.format(config=str(bundle / CONFIG_FILE),
                                                   gradebook=GRADEBOOK), encoding="utf-8")
    for part in ("source", "release"):
        (root / part).mkdir()
        (root / part / level).symlink_to(bundle / part / level, target_is_directory=True)
    shutil.copyfile(bundle / GRADEBOOK, root / GRADEBOOK)
    folder = submitted(root, learner, level)
    folder.mkdir(parents=True)
    for name, text in job["notebooks"].items():
        (folder / f"{Path(name).name}.ipynb").write_text(text, encoding="utf-8")
    if job.get("submitted_at"):
        (folder / "timestamp.txt").write_text(job["submitted_at"], encoding="utf-8")


def grade_away(job: dict, bundle: Path, isolation: str = "sandbox") -> dict:
    """Grade a `remote_job` with the unpacked `bundle`: {"files", "rows", "result"}.

    files: name -> text of what record_job wrote in autograded/<learner>/<level>/ (the graded
    notebooks, grading.json); rows: course.gradebook_rows.graded_rows; result: the JobResult's
    fields as JSON data.
    """
    from course.grading.prepare.job import prepare_job
    from course.grading.record.write import record_job
    from course.grading.sandbox.execute import execute_job

    level, learner = job["level"], job["learner"]
    with tempfile.TemporaryDirectory(prefix="course-remote-") as tmp:
        root = Path(tmp)
        _scratch(root, Path(bundle), job)
        try:
            apply_prior(root, level, learner, job.get("prior"), job.get("submitted_at"))
            prepared = prepare_job(root, level, learner)
            for name, message in job.get("errors", {}).items():  # found by the coordinator
                prepared["notebooks"].pop(name, None)
                prepared["errors"][name] = message
            prepared["fingerprint"] = job["fingerprint"]
            answer = execute_job(prepared, sandbox=isolation)
            result = record_job(root, prepared, answer)
            folder = autograded(root, learner, level)
            files = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())
                     if p.is_file()}
            rows = graded_rows(root, level, learner)
        finally:
            drop_engine(f"sqlite:///{root / GRADEBOOK}")
    return {"files": files, "rows": rows,
            "result": {"ok": result.ok, "reason": result.reason, "seconds": result.seconds,
                       "criteria": [asdict(c) for c in result.criteria],
                       "flags": list(result.flags), "errors": dict(result.errors)}}
