"""Reading a GitHub Actions workflow the way the runner does, for level2/03-mlops-pipeline's tests.

A workflow is judged on what it does, not on how it is laid out: an event is one step of one job,
and `runs_after_success(wf, later, earlier)` says whether GitHub can only start `later` once
`earlier` has succeeded (earlier steps of the same job, or jobs reached through `needs`, followed
transitively, through jobs that keep the implicit `success()` condition).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from course.grading.sandbox.inside.shared_files import private_folder
from course.testing.asserts import check

#: Status-check functions: a job or step whose `if` uses one drops the implicit `success()`.
_STATUS = re.compile(r"\b(always|failure|cancelled|success)\s*\(\s*\)")
_OVERRIDE = re.compile(r"\b(always|failure|cancelled)\s*\(\s*\)")
_MAIN = re.compile(
    r"github\.ref\s*==\s*'refs/heads/main'|'refs/heads/main'\s*==\s*github\.ref\b"
    r"|github\.ref_name\s*==\s*'main'|'main'\s*==\s*github\.ref_name\b")


def plain_workflow(obj: Any, what: str = "build_workflow()") -> dict:
    """The workflow as plain YAML data (dicts, lists, strings, numbers, booleans), `on` as "on"."""
    check(isinstance(obj, dict), f"{what} should return a dict, but it returned a {type(obj).__name__}")
    try:
        data = yaml.safe_load(yaml.safe_dump(obj, sort_keys=False))
    except yaml.YAMLError as exc:
        raise AssertionError(f"{what} holds values YAML cannot represent (use plain dicts, lists, "
                             f"strings, numbers and booleans): {type(exc).__name__}") from None
    if True in data and "on" not in data:  # YAML 1.1 reads an unquoted `on` key as True
        data = {("on" if key is True else key): value for key, value in data.items()}
    jobs = data.get("jobs")
    check(isinstance(jobs, dict) and len(jobs) > 0, f"{what} has no 'jobs' mapping")
    for job_id, job in jobs.items():
        check(isinstance(job, dict), f"job {job_id!r} should be a mapping")
        steps = job.get("steps", [])
        check(isinstance(steps, list) and all(isinstance(s, dict) for s in steps),
              f"the steps of job {job_id!r} should be a list of mappings")
    return data


def parse_rendered(text: Any, what: str = "render_workflow()") -> dict:
    check(isinstance(text, str), f"{what} should return a str, but it returned a {type(text).__name__}")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AssertionError(f"{what} is not valid YAML: {str(exc).splitlines()[0]}") from None
    check(isinstance(data, dict), f"{what} should be a YAML mapping at the top level")
    return plain_workflow(data, what)


def needs(job: dict) -> list[str]:
    value = job.get("needs", [])
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


def cond(obj: dict) -> str:
    value = obj.get("if")
    if value is None:
        return ""
    text = str(value).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return text.strip()


def keeps_success(obj: dict) -> bool:
    """Whether a job's or step's `if` keeps the implicit success() (no always/failure/cancelled)."""
    return not _OVERRIDE.search(cond(obj))


def find_cycle(wf: dict) -> list[str] | None:
    jobs = wf["jobs"]
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(job_id: str) -> list[str] | None:
        state[job_id] = 1
        path.append(job_id)
        for dep in needs(jobs[job_id]):
            if dep not in jobs:
                continue
            if state.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        path.pop()
        state[job_id] = 2
        return None

    for job_id in jobs:
        if job_id not in state:
            found = visit(job_id)
            if found:
                return found
    return None


def ancestors(wf: dict, job_id: str, *, through_success: bool = False) -> set[str]:
    """Jobs `job_id` needs, transitively (only through jobs that keep success(), if asked)."""
    jobs = wf["jobs"]
    seen: set[str] = set()
    todo = [job_id]
    while todo:
        current = todo.pop()
        if through_success and not keeps_success(jobs[current]):
            continue
        for dep in needs(jobs[current]):
            if dep in jobs and dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


@dataclass(frozen=True)
class Event:
    job: str
    index: int  # -1: the job as a whole (a job with no steps)


def step_text(step: dict) -> str:
    parts = [step.get("name"), step.get("run"), step.get("uses")]
    return " ".join(str(p) for p in parts if p).lower()


def job_label(wf: dict, job_id: str) -> str:
    job = wf["jobs"][job_id]
    env = job.get("environment")
    env = env.get("name") if isinstance(env, dict) else env
    return " ".join(str(p) for p in (job_id, job.get("name"), env) if p).lower()


def events(wf: dict, pattern: str, *, exclude: str | None = None, whole_job: bool = False) -> list[Event]:
    """Steps whose name/run/uses match `pattern` (and not `exclude`); with `whole_job`, also every
    `run` step of a job whose id, name or environment matches."""
    rx = re.compile(pattern)
    ex = re.compile(exclude) if exclude else None
    found = []
    for job_id, job in wf["jobs"].items():
        label = job_label(wf, job_id)
        job_matches = whole_job and rx.search(label) and not (ex and ex.search(label))
        for index, step in enumerate(job.get("steps", [])):
            text = step_text(step)
            if (rx.search(text) and not (ex and ex.search(text))) or (job_matches and step.get("run")):
                found.append(Event(job_id, index))
    return found


def fails_build(step: dict, job: dict) -> bool:
    """Whether a failing step fails its job (no continue-on-error, no `|| true`)."""
    for owner in (step, job):
        value = owner.get("continue-on-error", False)
        if value not in (False, "false", None):
            return False
    run = str(step.get("run") or "")
    return not re.search(r"\|\|\s*(true|:|exit\s+0)\b|--exit-zero|set\s+\+e", run)


def runs_after_success(wf: dict, later: Event, earlier: Event) -> bool:
    jobs = wf["jobs"]
    if later.job == earlier.job:
        if later.index <= earlier.index:
            return False
        steps = jobs[later.job].get("steps", [])
        return keeps_success(steps[later.index]) and fails_build(steps[earlier.index], jobs[later.job])
    if earlier.job not in ancestors(wf, later.job, through_success=True):
        return False
    step = jobs[later.job].get("steps", [])[later.index] if later.index >= 0 else {}
    earlier_steps = jobs[earlier.job].get("steps", [])
    earlier_step = earlier_steps[earlier.index] if earlier.index >= 0 else {}
    return keeps_success(step) and fails_build(earlier_step, jobs[earlier.job])


def main_only_job(wf: dict, job_id: str, _seen: frozenset = frozenset()) -> bool:
    """Whether a job can only run for the main branch (its own `if`, or a need's it inherits)."""
    job = wf["jobs"][job_id]
    text = cond(job)
    if _MAIN.search(text) and "||" not in text:
        return True
    if not keeps_success(job):
        return False
    return any(dep in wf["jobs"] and dep not in _seen and main_only_job(wf, dep, _seen | {job_id})
               for dep in needs(job))


def main_only(wf: dict, event: Event) -> bool:
    job = wf["jobs"][event.job]
    if event.index >= 0:
        text = cond(job.get("steps", [])[event.index])
        if _MAIN.search(text) and "||" not in text:
            return True
    return main_only_job(wf, event.job)


def describe(wf: dict, event: Event) -> str:
    step = wf["jobs"][event.job].get("steps", [])[event.index]
    name = step.get("name") or step.get("run") or step.get("uses")
    return f"step {str(name).splitlines()[0][:60]!r} of job {event.job!r}"


def production_jobs(wf: dict) -> list[str]:
    out = []
    for job_id, job in wf["jobs"].items():
        env = job.get("environment")
        env = env.get("name") if isinstance(env, dict) else env
        if isinstance(env, str) and env.strip().lower() == "production":
            out.append(job_id)
    return out


def uses_versions(wf: dict, action: str) -> list[str]:
    """The refs after '@' of every step that uses `action` (e.g. 'actions/checkout')."""
    refs = []
    for job in wf["jobs"].values():
        for step in job.get("steps", []):
            uses = str(step.get("uses") or "")
            if uses.split("@", 1)[0].lower() == action:
                refs.append(uses.split("@", 1)[1] if "@" in uses else "")
    return refs


def current_ref(ref: str, major: int) -> bool:
    if re.fullmatch(r"[0-9a-f]{40}", ref):
        return True
    match = re.fullmatch(r"v(\d+)(\.\d+)*", ref)
    return bool(match) and int(match.group(1)) >= major


def _venv_tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    check(path.exists(), f"the course environment lacks {name}: reinstall it (make test does)")
    return str(path)


def _write(text: str) -> Path:
    # the grader's own folder: learner code must not change the file (or add a linter config)
    # between this write and the linter's read
    root = Path(private_folder("workflow-"))
    target = root / ".github" / "workflows" / "ml-pipeline.yml"
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8")
    return target


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB")}
    env["NO_COLOR"] = "1"
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60, env=env)


def schema_errors(text: str) -> str | None:
    """check-jsonschema's verdict against GitHub's workflow schema (None when valid)."""
    target = _write(text)
    proc = _run([_venv_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                 "--color", "never", str(target)], target.parent)
    return None if proc.returncode == 0 else (proc.stdout + proc.stderr).strip()[-1500:]


def actionlint_errors(text: str) -> str | None:
    """actionlint's verdict, without shellcheck or pyflakes (None when clean)."""
    target = _write(text)
    proc = _run([_venv_tool("actionlint"), "-shellcheck=", "-pyflakes=", "-no-color",
                 ".github/workflows/ml-pipeline.yml"], target.parent.parent.parent)
    return None if proc.returncode == 0 else (proc.stdout + proc.stderr).strip()[-1500:]
