"""Coordinator side, before execution: a learner's submission as a JSON-able job.

What nbgrader's Autograde does before it executes anything (its sanitize_preprocessors, as the
course configures them: course.grading.steps.lists) runs here, outside any learner code, and the
integrity findings so far (deleted, renamed, duplicated or edited grade cells, stripped metadata,
invalid JSON) become flags or per-notebook errors.
"""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbformat import NotebookNode

from course.config import GradingLimits
from course.gradebook import course_config, level_cells, run_memo, shared_gradebook
from course.grading.prepare.fingerprint import fingerprint
from course.grading.record.verdicts import partial_credit_cells
from course.grading.steps.lists import sanitize_steps
from course.grading.steps.shared import shared_step
from course.notebooks import NotebookError, is_test, nbgrader_meta, read_notebook
from course.submit import too_big

if TYPE_CHECKING:
    from course.grading.job import Job

log = logging.getLogger(__name__)

INVALID_JSON = "the submitted notebook is not valid notebook JSON, so it could not be run"
NOT_SUBMITTED = "this notebook was not submitted"


class _Quiet(logging.LoggerAdapter):
    """nbgrader's warnings about what it restores: our flags say it better, so log them at DEBUG."""

    def warning(self, msg, *args, **kwargs):  # noqa: ANN001, ANN201
        self.logger.debug(msg, *args, **kwargs)


def flag(criterion: str | None, notebook: str, message: str) -> dict:
    return {"criterion": criterion, "notebook": notebook, "message": message}


def source_info(root: Path, level: str) -> dict[str, dict]:
    """Per notebook of the level, from the gradebook: its graded cells and their instructor metadata.

    Read once per level and thread while a grading run shares its gradebook (`run_memo`).
    """
    memo = run_memo(root)
    if memo is None:
        return _read_source_info(root, level)
    if ("source_info", level) not in memo:
        memo[("source_info", level)] = _read_source_info(root, level)
    return memo[("source_info", level)]


def _read_source_info(root: Path, level: str) -> dict[str, dict]:
    info: dict[str, dict] = {}
    for name, cells in level_cells(root, level).items():
        tests = {gid for gid in cells["graded"] if is_test(
            graded=True, solution=gid in cells["solutions"],
            cell_type=cells["sources"].get(gid, {}).get("cell_type", ""))}
        released, partial = _released(root / "release" / level / f"{name}.ipynb")
        info[name] = {**cells, "tests": tests, "released": released, "partial": partial}
    return info


def _released(path: Path) -> tuple[dict[str, str], list[str]]:
    """grade_id -> source of each graded cell as released (what an untouched submission holds),
    and the test cells that ask for partial credit."""
    try:
        nb = read_notebook(path)
    except NotebookError:
        return {}, []
    sources = {nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells
               if nbgrader_meta(c).get("grade_id")}
    return sources, partial_credit_cells(nb)


def _expected_meta(gid: str, src: dict) -> dict:
    return {"grade": gid in src["graded"], "solution": gid in src["solutions"],
            "task": gid in src["tasks"], "locked": src["sources"][gid]["locked"]}


def integrity_findings(name: str, nb: NotebookNode, src: dict) -> list[dict]:
    """Flags for tampered grade cells; fixes what must be fixed before nbgrader's own checks run."""
    flags: list[dict] = []
    criteria = {**src["graded"], **src["tasks"]}
    known = set(src["sources"])
    seen: dict[str, int] = {}
    any_meta = False
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta:
            continue
        any_meta = True
        gid = meta.get("grade_id")
        if gid is None:
            if meta.get("grade") or meta.get("solution") or meta.get("task") or meta.get("locked"):
                cell.metadata.pop("nbgrader", None)
                flags.append(flag(None, name, "a cell had grading metadata without a grade id; "
                                              "it was treated as an ordinary cell"))
            continue
        if gid not in known:
            cell.metadata.pop("nbgrader", None)
            flags.append(flag(None, name, f"a cell carries the unknown grade id {gid!r} (renamed or "
                                          "invented); it was treated as an ordinary cell"))
            continue
        seen[gid] = seen.get(gid, 0) + 1
        expected = _expected_meta(gid, src)
        changed = [k for k, v in expected.items() if bool(meta.get(k)) != v]
        points = criteria.get(gid)
        if points is not None and gid in src["graded"] and meta.get("points") is not None:
            try:
                if float(meta["points"]) != points:
                    changed.append("points")
            except (TypeError, ValueError):
                changed.append("points")
        if cell.cell_type != src["sources"][gid]["cell_type"]:
            changed.append("cell type")
        if changed:
            cell.metadata["nbgrader"].update(expected)
            if gid in src["graded"]:
                cell.metadata["nbgrader"]["points"] = points
            if gid in criteria:
                flags.append(flag(gid, name, f"the grading metadata of {gid} was changed "
                                             f"({', '.join(changed)}); it was restored and this "
                                             "criterion earns no credit"))
        elif gid in src["tests"] and gid in src.get("released", {}):
            if cell.source.strip() != src["released"][gid].strip():
                flags.append(flag(gid, name, f"the test cell {gid} was edited; the instructor's "
                                             "copy was run instead and this criterion earns no credit"))
    for gid, count in seen.items():
        if count > 1:  # keep the last copy graded (as nbgrader's DeduplicateIds), the others plain
            copies = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") == gid]
            for cell in copies[:-1]:
                cell.metadata.pop("nbgrader", None)
        if count > 1 and gid in criteria:
            flags.append(flag(gid, name, f"the graded cell {gid} appears {count} times (copied); "
                                         "this criterion earns no credit"))
    if not any_meta and criteria:
        flags.append(flag(None, name, "all grading metadata was removed from the notebook"))
    for gid in criteria:
        if gid not in seen:
            what = "test cell" if gid in src["tests"] else "graded cell"
            flags.append(flag(gid, name, f"the {what} {gid} was deleted or lost its grading "
                                         "metadata; the instructor's copy was put back and this "
                                         "criterion earns no credit"))
    return flags


def sanitize(nb: NotebookNode, resources: dict, config) -> NotebookNode:  # noqa: ANN001
    """nbgrader's pre-execution preprocessors, with the course's configuration.

    OverwriteCells.add_missing_cells puts a deleted test cell back after the cell before it, and
    fails when that cell is gone too (stripped metadata): then the notebook is sanitized without
    restoring cells, and the missing criteria (already flagged) score zero.
    """
    quiet = _Quiet(logging.getLogger("course.grading.nbgrader"), {})

    def run(cfg) -> NotebookNode:  # noqa: ANN001
        work, res = copy.deepcopy(nb), copy.deepcopy(resources)
        for cls in sanitize_steps(cfg):
            work, res = shared_step(cls)(config=cfg, log=quiet)(work, res)
        return work

    try:
        return run(config)
    except Exception:
        if not config.OverwriteCells.get("add_missing_cells"):
            raise
        log.debug("restoring missing cells failed; sanitizing without it", exc_info=True)
        fallback = copy.deepcopy(config)
        fallback.OverwriteCells.add_missing_cells = False
        return run(fallback)


def submitted_at(folder: Path) -> str | None:
    stamp = folder / "timestamp.txt"
    if stamp.is_file():
        text = stamp.read_text().strip()
        return text or None
    return None


def prepare_job(root: Path, level: str, learner: str) -> Job:
    """The job for one (learner, level): sanitized notebooks, limits, flags and errors so far."""
    root = Path(root)
    with shared_gradebook(root):
        return _prepare(root, level, learner)


def _prepare(root: Path, level: str, learner: str) -> Job:
    config = course_config(root)
    db_url = config.CourseDirectory.db_url
    folder = root / "submitted" / learner / level
    job: Job = {
        "version": 1, "level": level, "learner": learner,
        "prepared_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "submitted_at": submitted_at(folder),
        "notebooks": {}, "errors": {}, "flags": [],
        "limits": GradingLimits(config=config).as_dict(), "partial_credit": {},
        "fingerprint": fingerprint(root, level, learner, db_url),  # before the files are read
    }
    for name, src in sorted(source_info(root, level).items()):
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            job["errors"][name] = NOT_SUBMITTED
            continue
        if src["partial"]:
            job["partial_credit"][name] = src["partial"]
        problem = too_big(path, job["limits"]["notebook_bytes"])
        if problem:
            job["errors"][name] = f"{problem}, so it was not graded"
            continue
        try:
            nb = read_notebook(path)
        except NotebookError:
            job["errors"][name] = INVALID_JSON
            continue
        job["flags"] += integrity_findings(name, nb, src)
        resources = {"nbgrader": {"notebook": name, "assignment": level, "student": learner,
                                  "db_url": db_url}}
        try:
            nb = sanitize(nb, resources, config)
        except Exception as exc:  # nbgrader gives up on some metadata it cannot restore
            log.debug("sanitizing %s %s %s failed", learner, level, name, exc_info=True)
            job["errors"][name] = ("the notebook's grading metadata is broken beyond repair "
                                   f"({type(exc).__name__}: {exc}), so it could not be run")
            continue
        job["notebooks"][name] = nbformat.writes(nb)
    return job
