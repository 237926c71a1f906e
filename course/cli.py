"""The `course` command: parses arguments, calls the course's functions, sets the exit code."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from .config import LEVELS, ROOT_ENV, CourseError, available_levels, check_learner_id, find_root
from .notebooks import NotebookError

console = Console(stderr=False)
err = Console(stderr=True)


def _root() -> Path:
    """The course folder of this run: --course, else COURSE_ROOT, else the one around the cwd."""
    ctx = click.get_current_context().find_root()
    course = ctx.params.get("course")
    origin = "--course" if ctx.get_parameter_source("course") == click.core.ParameterSource.COMMANDLINE \
        else ROOT_ENV
    return find_root(explicit=course, origin=origin)


def _fail(message: str) -> None:
    raise click.ClickException(message)


class CourseGroup(click.Group):
    """Turns the course's own errors into a one-line message and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (CourseError, NotebookError) as exc:
            raise click.ClickException(str(exc)) from None


LEVEL = click.Choice(LEVELS)


def _learner(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_learner_id(value)
    except CourseError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(cls=CourseGroup)
@click.option("--course", metavar="DIR", envvar=ROOT_ENV,
              help="The course folder (the one holding nbgrader_config.py; default: $COURSE_ROOT, "
                   "else the folder you are in or the nearest one above it).")
@click.option("-v", "--verbose", is_flag=True, help="Log what each step does.")
@click.version_option(package_name="ml-engineer-course")
def main(course: str | None, verbose: bool) -> None:
    """ML Engineer Skills, autograded: release, grade and give feedback on the course."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        # nbgrader logs its failures with full tracebacks; the course turns them into one line.
        logging.getLogger("traitlets").propagate = False


@main.command()
def init() -> None:
    """Create the gradebook with every level and the learners of roster.csv."""
    from .init import init_course

    counts = init_course(_root())
    console.print(f"gradebook ready: {counts['levels']} level(s), {counts['learners']} learner(s)")


@main.command()
@click.argument("level", type=LEVEL, required=False)
def release(level: str | None) -> None:
    """Regenerate release/LEVEL (every level when omitted) from source/."""
    from .release import release as do_release

    for lvl in do_release(_root(), level):
        console.print(f"released {lvl} -> release/{lvl}/")


@main.command()
@click.argument("level", type=LEVEL)
@click.option("--learner", required=True, callback=_learner, help="Learner id, e.g. ada.")
@click.option("--from", "from_dir", required=True, type=click.Path(path_type=Path),
              help="Folder holding the learner's notebooks of LEVEL.")
def submit(level: str, learner: str, from_dir: Path) -> None:
    """Hand in a learner's notebooks of LEVEL (the previous attempt is kept aside)."""
    from .submit import missing_notebooks, unexpected_notebooks
    from .submit import submit as do_submit

    root = _root()
    ignored = unexpected_notebooks(root, level, from_dir) if from_dir.is_dir() else []
    dest = do_submit(root, level, learner, from_dir)
    console.print(f"submitted {learner} {level} -> {dest}")
    if ignored:
        console.print(f"not part of {level}, left out: {', '.join(ignored)}")
    missing = missing_notebooks(root, level, learner)
    if missing:
        console.print(f"missing, so scored zero: {', '.join(missing)}")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err,
                    transient=False)


def _summary(results) -> Table:
    table = Table(title="Grading summary")
    for col in ("learner", "level", "auto score", "result", "notes", "time"):
        table.add_column(col)
    for r in results:
        score = f"{r.score:g}/{r.max_score:g}" if r.criteria else "-"
        notes = [f"{n}: {m}" for n, m in sorted(getattr(r, "errors", {}).items())]
        flags = getattr(r, "flags", [])
        if flags:
            notes.append(f"{len(flags)} integrity flag(s): " + "; ".join(
                (f"{f['criterion']}: " if f.get("criterion") else "") + f["message"] for f in flags[:3]))
        table.add_row(r.learner, r.level, score, "graded" if r.ok else f"[red]{r.reason}[/red]",
                      "\n".join(notes) if r.ok else "", f"{r.seconds:.0f} s")
    return table


def _run_grading(root: Path, pairs: list[tuple[str, str]], workers: int | None = None,
                 isolation: str = "sandbox"):
    from .grading import grade as do_grade

    with _progress() as progress:
        task = progress.add_task("grading", total=len(pairs))
        results = do_grade(root, pairs, lambda _r: progress.advance(task), workers=workers,
                           isolation=isolation)
    console.print(_summary(results))
    return results


def _run_distributed(root: Path, pairs: list[tuple[str, str]], redis_url: str, **options):
    from .grading.distributed import grade_rq

    with _progress() as progress:
        task = progress.add_task(f"grading on RQ workers ({redis_url})", total=len(pairs))
        results = grade_rq(root, pairs, redis_url, lambda _r: progress.advance(task), **options)
    console.print(_summary(results))
    return results


@main.command()
@click.argument("level", type=LEVEL, required=False)
@click.option("--learner", callback=_learner, help="Grade only this learner.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Jobs graded at once (default: one per CPU).")
@click.option("--allow-reduced-isolation", is_flag=True,
              help="Grade without the bubblewrap sandbox where it cannot run (learner code can then "
                   "read the course folder and reach the network).")
@click.option("--backend", type=click.Choice(["local", "rq"]), default="local", show_default=True,
              help="local: on this machine; rq: on `course worker` processes fed through Redis.")
@click.option("--redis-url", envvar="COURSE_REDIS_URL",
              help="Redis the workers listen on (--backend rq; default: $COURSE_REDIS_URL).")
@click.option("--db-url", envvar="COURSE_DB_URL",
              help="Gradebook database, e.g. postgresql://grader@db.example.org/course "
                   "(default: $COURSE_DB_URL, else nbgrader_config.py's db_url, SQLite).")
@click.option("--queue", "queue_name", default="course-grading", show_default=True,
              help="RQ queue (--backend rq).")
@click.option("--stale-after", type=click.FloatRange(0.5), default=None,
              help="Seconds without a heartbeat after which a worker's job is given to another "
                   "(--backend rq; default: 3 of the worker's heartbeats + 5 s).")
def grade(level: str | None, learner: str | None, workers: int | None,
          allow_reduced_isolation: bool, backend: str, redis_url: str | None,
          db_url: str | None, queue_name: str, stale_after: float | None) -> None:
    """Autograde every submitted (learner, level), or only LEVEL / --learner, in a sandbox."""
    from .check import ensure_registered
    from .config import DB_URL_ENV, normalize_db_url
    from .submit import submitted_pairs

    if db_url:  # every gradebook user of this process (and of nbgrader) reads it from here
        os.environ[DB_URL_ENV] = normalize_db_url(db_url)
    if backend == "rq" and not redis_url:
        _fail("--backend rq needs --redis-url URL (or COURSE_REDIS_URL)")
    root = _root()
    pairs = submitted_pairs(root, level, learner)
    if not pairs:
        _fail("nothing to grade: no submission under submitted/ matches"
              + (f" level {level}" if level else "") + (f" learner {learner}" if learner else ""))
    for lvl in sorted({lvl for _, lvl in pairs}):
        ensure_registered(root, lvl)
    isolation = "best" if allow_reduced_isolation else "sandbox"
    if backend == "rq":
        results = _run_distributed(root, pairs, redis_url, isolation=isolation,
                                   queue_name=queue_name, stale_after=stale_after)
    else:
        results = _run_grading(root, pairs, workers, isolation)
    from .reports.build import record_history

    record_history(root, [r.learner for r in results if r.ok])
    failed = [r for r in results if not r.ok]
    if failed:
        _fail(f"{len(failed)} of {len(results)} submission(s) could not be graded: "
              + "; ".join(f"{r.learner} {r.level}: {r.reason}" for r in failed))


@main.command()
@click.option("--redis-url", envvar="COURSE_REDIS_URL", required=True,
              help="Redis of the coordinator, e.g. redis://grader.example.org:6379/0 "
                   "(default: $COURSE_REDIS_URL).")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--name", help="Worker name (default: host-pid-random).")
@click.option("--heartbeat", type=click.IntRange(1, 300), default=10, show_default=True,
              help="Seconds between heartbeats while a job runs.")
@click.option("--queue", "queue_name", default="course-grading", show_default=True,
              help="RQ queue to work on.")
def worker(redis_url: str, burst: bool, name: str | None, heartbeat: int, queue_name: str) -> None:
    """Run an RQ worker that grades jobs of `course grade --backend rq` (sandboxed, as local)."""
    import redis

    from .grading.rq_worker import run_worker

    try:
        run_worker(redis_url, burst=burst, name=name, heartbeat=heartbeat, queue_name=queue_name)
    except (OSError, redis.ConnectionError) as exc:
        _fail(f"cannot reach Redis at {redis_url}: {exc}")


@main.command()
@click.argument("level", type=LEVEL, required=False)
@click.option("--learner", callback=_learner, help="Only this learner.")
@click.option("--model-answers", is_flag=True,
              help="Include model answers and rubrics (for self-paced learners, after grading).")
def feedback(level: str | None, learner: str | None, model_answers: bool) -> None:
    """Write feedback/<learner>/: per-notebook HTML without hidden tests, report.html/.json, history.json."""
    from .feedback import write_feedback

    written = write_feedback(_root(), level, learner, model_answers=model_answers)
    if not written:
        _fail("no graded submission matches: run `course grade` first")
    for path in written:
        console.print(f"wrote {path}")


@main.command()
@click.option("--learner", callback=_learner, help="Rewrite this learner's report.html and report.json.")
@click.option("--group", help="Write reports/groups/<GROUP>.html for a roster.csv group.")
@click.option("--cohort", is_flag=True, help="Write reports/cohort.html.")
def report(learner: str | None, group: str | None, cohort: bool) -> None:
    """Write a learner's, a study group's or the cohort's report (all of them when none is given)."""
    from .reports import build

    root = _root()
    if not (learner or group or cohort):
        written = build.write_all(root)
    else:
        written = []
        if learner:
            written.append(build.write_learner_report(root, learner))
        if group:
            written.append(build.write_group(root, group))
        if cohort:
            written.append(build.write_cohort(root))
    for path in written:
        console.print(f"wrote {path}")


@main.command()
def export() -> None:
    """Write reports/grades.csv for an LMS: nbgrader's columns plus one column per criterion."""
    from .reports.build import export as do_export

    console.print(f"wrote {do_export(_root())}")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--learner", default="me", show_default=True, callback=_learner,
              help="Your learner id.")
@click.option("--level", type=LEVEL, help="The notebook's level, when its folder does not say.")
def check(path: Path, learner: str, level: str | None) -> None:
    """Grade your own notebook (or level folder) with the hidden tests, now."""
    from . import criteria
    from .check import check as do_check

    root = _root()
    result = do_check(root, path, learner, level)
    if not result.ok:
        _fail(f"your notebook could not be graded: {result.reason}")
    # one notebook checked: show its criteria; the level's other notebooks were not handed in
    stems = None if Path(path).is_dir() else {Path(path).stem}
    shown = [c for c in result.criteria if stems is None or c.id not in criteria.BY_ID
             or criteria.get(c.id).notebook.split("/", 1)[1] in stems]
    auto = [c for c in shown if not c.manual]
    what = f"{result.level}/{Path(path).stem}" if stems else result.level
    table = Table(title=f"{learner} {what}: {sum(c.score for c in auto):g}/"
                        f"{sum(c.max_score for c in auto):g} points")
    for col in ("", "criterion", "points", "what to fix"):
        table.add_column(col)
    for c in shown:
        mark = "[dim]manual[/dim]" if c.manual else ("✅" if c.passed else "❌")
        table.add_row(mark, c.id, f"{c.score:g}/{c.max_score:g}", c.message or "")
    console.print(table)
    failed = [c for c in auto if not c.passed and c.id in criteria.BY_ID]
    for c in failed:
        console.print(f"[bold]Hint for {c.id}[/bold] ({criteria.get(c.id).title}): "
                      f"{criteria.get(c.id).hint}")
    if failed:
        console.print(f'More specific hints in the notebook: hint("{failed[0].id}"), called again '
                      "for the next level.")
    if stems is not None:
        console.print(f"{result.level} so far: {result.score:g}/{result.max_score:g} points (only "
                      f"{Path(path).name} was checked; `course check <folder of {result.level}>` "
                      "grades the whole level)")
    report = root / "feedback" / learner / "report.html"
    console.print(f"feedback: {report if report.is_file() else root / 'feedback' / learner}")


@main.command()
@click.option("--port", type=int, default=8888, show_default=True)
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.option("--instructor", is_flag=True, help="Open the course folder with formgrader.")
def lab(port: int, no_browser: bool, instructor: bool) -> None:
    """Start JupyterLab on 127.0.0.1: on release/ for learners, the course folder for instructors.

    Learners get nbgrader's assignment list and Validate button; instructors get formgrader and
    the create-assignment tools. Set JUPYTER_TOKEN to choose the login token.
    """
    from .lab import plan

    root = _root()
    if instructor:
        from .check import ensure_registered

        for lvl in available_levels(root):
            ensure_registered(root, lvl)  # formgrader lists the levels from the gradebook
    run = plan(root, port, no_browser, instructor)
    console.print(f"JupyterLab for {'instructors' if instructor else 'learners'} on {run.root_dir} "
                  f"(Jupyter config: {run.config_dir})")
    sys.exit(subprocess.call(run.cmd, cwd=run.cwd, env=run.env))


@main.command()
def demo() -> None:
    """Release the course, grade a sample cohort (two study groups, second attempts) and report."""
    import time

    from .demo import demo_steps, run_demo

    root = _root()
    started = time.monotonic()
    with _progress() as progress:
        task = progress.add_task("demo: grading the sample cohort, then reports", total=demo_steps(root))
        results = run_demo(root, lambda _r: progress.advance(task))
    console.print(_summary(results))
    console.print(f"demo done in {time.monotonic() - started:.0f} s. Reports:")
    console.print(f"  learners: {root / 'feedback'}/<learner>/report.html (and report.json, history.json)")
    console.print(f"  cohort:   {root / 'reports' / 'cohort.html'}")
    console.print(f"  groups:   {root / 'reports' / 'groups'}/<group>.html")
    console.print(f"  LMS CSV:  {root / 'reports' / 'grades.csv'}")
    if any(not r.ok for r in results):
        _fail("some sample learners could not be graded")


if __name__ == "__main__":
    main()
