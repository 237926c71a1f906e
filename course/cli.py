"""The `course` command: parses arguments, calls course.api, shows progress and results, sets the
exit code. The work itself is in course.api (one function per command); this module reads the
user's defaults (options, COURSE_* environment variables) and passes them on as parameters.

Start-up stays light, so that `course --help` answers at once: this module imports click and the
course's settings only; each command imports what it needs (rich, nbgrader, the grader) when it
runs. bench/cli_startup.py measures it.

Every error reaches the user as one line, `Error: ...`, with a non-zero exit code: 1 for a problem
to fix, 2 for a command line click cannot parse, 130 after Ctrl-C and 143 after SIGTERM. Passwords
in URLs are masked in everything printed (course.urls.redact).
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
from contextlib import ExitStack
from pathlib import Path

import click

from . import api
from .config import LEVELS, ROOT_ENV, CourseError, check_learner_id, find_root
from .processes import Signalled, raise_on_signals

log = logging.getLogger(__name__)

#: Exit codes of a run stopped by a signal (the shell's convention: 128 + the signal number).
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


@functools.cache
def _out():
    from rich.console import Console

    return Console()


@functools.cache
def _err():
    from rich.console import Console

    return Console(stderr=True)


def _redact(text: str) -> str:
    from .urls import redact

    return redact(text)


def _root() -> Path:
    """The course folder of this run: --course, else COURSE_ROOT, else the one around the cwd
    (api.course_root then sets the umask of a course shared by its instructors' group)."""
    ctx = click.get_current_context().find_root()
    origin = ("--course" if ctx.get_parameter_source("course") == click.core.ParameterSource.COMMANDLINE
              else ROOT_ENV)
    return api.course_root(find_root(explicit=ctx.params.get("course"), origin=origin))


def _notebook_redis() -> str | None:
    """The notebooks' Redis (COURSE_REDIS_URL), which the grading queue must never be."""
    from .urls import NOTEBOOK_REDIS_ENV

    return os.environ.get(NOTEBOOK_REDIS_ENV, "").strip() or None


def _verbose() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("verbose"))


def _fail(message: str) -> None:
    raise click.ClickException(message)


class _Stopped(click.ClickException):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _describe_os_error(exc: OSError) -> str:
    what = exc.strerror or str(exc)
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{what}".replace("[Errno", "(errno")


class CourseGroup(click.Group):
    """Turns every failure into one line and an exit code; never shows a traceback.

    With --verbose, an unexpected error (a bug of the course) shows its traceback.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except CourseError as exc:
            raise click.ClickException(_redact(str(exc))) from None
        except KeyboardInterrupt:
            raise _Stopped("interrupted (Ctrl-C); run the command again to finish its work",
                           EXIT_INTERRUPTED) from None
        except Signalled as exc:
            raise _Stopped(f"stopped by {exc}; run the command again to finish its work",
                           128 + exc.signum) from None
        except OSError as exc:
            raise click.ClickException(_redact(_describe_os_error(exc))) from None
        except Exception as exc:
            if _verbose():
                raise
            log.debug("unexpected error", exc_info=True)
            raise click.ClickException(
                f"unexpected error: {type(exc).__name__}: {_redact(str(exc)) or 'no details'} (run "
                "again with --verbose to see where it happened, and please report it)") from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name or "course", complete_var, False, **extra)
        except click.UsageError as exc:
            where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
            click.echo(f"Error: {exc.format_message()}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C while click itself was busy (parsing, prompting)
            click.echo("Error: interrupted (Ctrl-C)", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(rv if isinstance(rv, int) else 0)


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = _redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _redact(logging.Formatter().formatException(record.exc_info))
        return True


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s" if verbose
                                           else "%(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler],
                        force=True)
    if not verbose:
        # nbgrader logs its failures with full tracebacks; the course turns them into one line.
        logging.getLogger("traitlets").propagate = False


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
              help="The course folder, the one holding nbgrader_config.py (default: $COURSE_ROOT, "
                   "else the folder you are in or the nearest one above it).")
@click.option("-v", "--verbose", is_flag=True, help="Log what each step does.")
@click.version_option(package_name="ml-engineer-course")
def main(course: str | None, verbose: bool) -> None:
    """ML Engineer Skills, autograded: release, grade and give feedback on the course.

    \b
    Where files live (see README.md):
      instructor   the course folder: source/, release/, submitted/, autograded/,
                   feedback/, reports/, gradebook.db, roster.csv
      learner      workspace/ (made by `course lab`), and .course/ for `course check`
      demo         demo/, a scratch course of its own
    """
    _setup_logging(verbose)
    raise_on_signals()  # SIGTERM and SIGHUP unwind like Ctrl-C, then exit 143 / 129


@main.command()
def init() -> None:
    """Create the gradebook with every level and the learners of roster.csv."""
    done = api.init(root=_root())
    _out().print(f"gradebook ready: {done.levels} level(s), {done.learners} learner(s)")


@main.command()
@click.argument("level", type=LEVEL, required=False, metavar="[LEVEL]")
@click.option("--exchange/--no-exchange", default=True, show_default=True,
              help="Also publish to nbgrader's exchange (learners fetch it in the Assignments tab).")
def release(level: str | None, exchange: bool) -> None:
    """Regenerate release/LEVEL (every level when omitted) from source/ and publish it.

    Refuses when a release notebook holds someone's work: learners work in workspace/.
    """
    for lvl in api.release(root=_root(), level=level, exchange=exchange):
        _out().print(f"released {lvl} -> release/{lvl}/" + (" and the exchange" if exchange else ""))


@main.command()
@click.argument("level", type=LEVEL, required=False, metavar="[LEVEL]")
@click.option("--zip", "archive", type=click.Path(path_type=Path),
              help="Collect an LMS download (a zip of notebooks) instead of the exchange; "
                   "needs LEVEL. File names map to learners by "
                   "c.FileNameCollectorPlugin.named_regexp in nbgrader_config.py.")
def collect(level: str | None, archive: Path | None) -> None:
    """Bring each learner's latest submission of LEVEL (every level when omitted) into submitted/.

    Every submission goes through the checks of `course submit` (learner id, notebook names,
    valid notebooks, earlier attempts kept); one refused submission never stops the others.
    """
    from rich.table import Table

    from .exchange.collect import COLLECTED, REFUSED

    root = _root()
    if archive is not None and level is None:
        _fail("--zip needs the LEVEL the download is for, e.g. `course collect level1 --zip FILE`")
    results = api.collect(root=root, level=level, archive=archive)
    if not results:
        _out().print("nothing to collect: no learner has submitted"
                      + (f" {level}" if level else "") + " to the exchange yet")
        return
    table = Table(title="Collected submissions")
    for col in ("learner", "level", "result", "submitted at (UTC)", "note"):
        table.add_column(col)
    for r in results:
        shown = {COLLECTED: "[green]collected[/green]", REFUSED: "[red]refused[/red]"}
        table.add_row(r.learner, r.level, shown.get(r.status, r.status),
                      f"{r.submitted_at:%Y-%m-%d %H:%M:%S}" if r.submitted_at else "-", r.note)
    _out().print(table)
    refused = [r for r in results if r.status == REFUSED]
    if refused:
        _fail(f"{len(refused)} submission(s) refused: "
              + "; ".join(f"{r.learner} {r.level}: {r.note}" for r in refused))


@main.command()
@click.argument("level", type=LEVEL, metavar="LEVEL")
@click.option("--learner", required=True, callback=_learner, help="Learner id, e.g. ada.")
@click.option("--from", "from_dir", required=True, type=click.Path(path_type=Path),
              help="Folder holding the learner's notebooks of LEVEL (any folder, the learner's "
                   "current submission included).")
def submit(level: str, learner: str, from_dir: Path) -> None:
    """Hand in a learner's notebooks of LEVEL (the previous attempt is kept aside)."""
    done = api.submit(root=_root(), level=level, learner=learner, from_dir=from_dir)
    _out().print(f"submitted {learner} {level} -> {done.dest}")
    if done.ignored:
        _out().print(f"not part of {level}, left out: {', '.join(done.ignored)}")
    if done.missing:
        _out().print(f"missing, so scored zero: {', '.join(done.missing)}")


def _progress(transient: bool = False):
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=_err(), transient=transient)


def _summary(results):
    from rich.table import Table

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
        table.add_row(r.learner, r.level, score,
                      "graded" if r.ok else f"[red]{_redact(r.reason)}[/red]",
                      _redact("\n".join(notes)) if r.ok else "", f"{r.seconds:.0f} s")
    return table


class _GradingDisplay:
    """api.Progress on the terminal: a progress bar while jobs run, then the summary table."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._bar = None
        self._task = None

    def start(self, plan) -> None:  # noqa: ANN001 -- an api.GradePlan or api.DemoPlan
        if isinstance(plan, api.DemoPlan):
            what = "demo: grading the sample cohort, then reports"
        elif plan.backend == "rq":
            what = f"grading on RQ workers ({_redact(plan.queue_url)})"
        else:
            what = "grading"
            if plan.unenforced:
                err = _err()
                err.print("[yellow]Not enforced on this machine (grading.json lists what applied):[/yellow]")
                for item in plan.unenforced:
                    err.print(f"[yellow]  - {item}[/yellow]")
        self._bar = self._stack.enter_context(_progress())
        self._task = self._bar.add_task(what, total=plan.total)

    def advance(self, _result) -> None:  # noqa: ANN001 -- a JobResult, or None for a demo step
        self._bar.advance(self._task)

    def finish(self, results) -> None:  # noqa: ANN001 -- a list of JobResult
        self._stack.close()
        _out().print(_summary(results))

    def __enter__(self) -> _GradingDisplay:
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002 -- an error mid-way closes the bar too
        self._stack.close()


def _queue_url(value: str | None, origin: str) -> str | None:
    """The grading queue's Redis URL, checked, and never the notebooks' Redis."""
    return api.check_queue_url(value, origin, notebook_redis_url=_notebook_redis())


_QUEUE_HELP = ("Redis of the RQ grading queue, e.g. redis://:PASSWORD@grader.example.org:6379/0 "
               "(default: $COURSE_QUEUE_URL; never the notebooks' COURSE_REDIS_URL). "
               "--redis-url is the older name.")


@main.command()
@click.argument("level", type=LEVEL, required=False, metavar="[LEVEL]")
@click.option("--learner", callback=_learner, help="Grade only this learner.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Jobs graded at once (default: one per CPU).")
@click.option("--allow-reduced-isolation", is_flag=True,
              help="Grade without the bubblewrap sandbox where it cannot run (learner code can then "
                   "read the course folder and reach the network).")
@click.option("--backend", type=click.Choice(["local", "rq"]), default="local", show_default=True,
              help="local: on this machine; rq: on `course worker` processes fed through Redis.")
@click.option("--queue-url", "--redis-url", "queue_url", envvar="COURSE_QUEUE_URL",
              metavar="URL", help=_QUEUE_HELP + " Only with --backend rq.")
@click.option("--db-url", envvar="COURSE_DB_URL", metavar="URL",
              help="Gradebook database, e.g. postgresql://grader@db.example.org/course "
                   "(default: $COURSE_DB_URL, else nbgrader_config.py's db_url, SQLite).")
@click.option("--queue", "queue_name", default="course-grading", show_default=True,
              help="RQ queue (--backend rq).")
@click.option("--stale-after", type=click.FloatRange(0.5), default=None,
              help="Seconds without a heartbeat after which a worker's job is given to another "
                   "(--backend rq; default: 3 of the worker's heartbeats + 5 s).")
@click.option("--force", is_flag=True,
              help="Grade every matching submission again, also those unchanged since they were "
                   "graded (same submission, course notebooks, configuration and engine).")
def grade(level: str | None, learner: str | None, workers: int | None,
          allow_reduced_isolation: bool, backend: str, queue_url: str | None,
          db_url: str | None, queue_name: str, stale_after: float | None, force: bool) -> None:
    """Autograde every submitted (learner, level), or only LEVEL / --learner, in a sandbox."""
    from .urls import check_db_url

    db_url = check_db_url(db_url, "--db-url") if db_url else None
    queue_url = _queue_url(queue_url, "--queue-url")
    if backend == "rq" and not queue_url:
        _fail("--backend rq needs --queue-url URL (or COURSE_QUEUE_URL): the Redis of the "
              "grading queue, which `course worker` listens on")
    root = _root()
    with _GradingDisplay() as display:
        run = api.grade(root=root, level=level, learner=learner, workers=workers,
                        allow_reduced_isolation=allow_reduced_isolation, backend=backend,
                        queue_url=queue_url, db_url=db_url, queue_name=queue_name,
                        stale_after=stale_after, force=force, notebook_redis_url=_notebook_redis(),
                        progress=display)
    if run.skipped:
        _out().print(f"{len(run.skipped)} submission(s) unchanged since they were graded: "
                     "skipped (--force grades them again)")
    results, failed = run.results, run.failed
    if failed:
        _fail(f"{len(failed)} of {len(results)} submission(s) could not be graded: "
              + "; ".join(f"{r.learner} {r.level}: {r.reason}" for r in failed))


@main.command()
@click.option("--queue-url", "--redis-url", "queue_url", envvar="COURSE_QUEUE_URL",
              metavar="URL", help=_QUEUE_HELP)
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--name", help="Worker name (default: host-pid-random).")
@click.option("--heartbeat", type=click.IntRange(1, 300), default=10, show_default=True,
              help="Seconds between heartbeats while a job runs.")
@click.option("--queue", "queue_name", default="course-grading", show_default=True,
              help="RQ queue to work on.")
def worker(queue_url: str | None, burst: bool, name: str | None, heartbeat: int,
           queue_name: str) -> None:
    """Run an RQ worker that grades jobs of `course grade --backend rq` (sandboxed, as local)."""
    url = _queue_url(queue_url, "--queue-url")
    if not url:
        _fail("`course worker` needs --queue-url URL (or COURSE_QUEUE_URL): the Redis of the "
              "grading queue that `course grade --backend rq` feeds")
    api.worker(queue_url=url, burst=burst, name=name, heartbeat=heartbeat, queue_name=queue_name,
               notebook_redis_url=_notebook_redis())


@main.command()
@click.argument("level", type=LEVEL, required=False, metavar="[LEVEL]")
@click.option("--learner", callback=_learner, help="Only this learner.")
@click.option("--model-answers", is_flag=True,
              help="Include model answers and rubrics (for self-paced learners, after grading).")
@click.option("--release", "release_", is_flag=True,
              help="Also publish it to nbgrader's exchange, report included: learners fetch it "
                   "from the Assignments tab.")
def feedback(level: str | None, learner: str | None, model_answers: bool, release_: bool) -> None:
    """Write feedback/<learner>/: per-notebook HTML without hidden tests, report.html/.json, history.json."""
    done = api.feedback(root=_root(), level=level, learner=learner, model_answers=model_answers,
                        release=release_)
    for path in done.written:
        _out().print(f"wrote {path}")
    for lvl in done.released:
        _out().print(f"released the feedback of {lvl} to the exchange")


@main.command()
@click.option("--learner", callback=_learner, help="Rewrite this learner's report.html and report.json.")
@click.option("--group", help="Write reports/groups/<GROUP>.html for a roster.csv group.")
@click.option("--cohort", is_flag=True, help="Write reports/cohort.html.")
def report(learner: str | None, group: str | None, cohort: bool) -> None:
    """Write a learner's, a study group's or the cohort's report (all of them when none is given)."""
    for path in api.report(root=_root(), learner=learner, group=group, cohort=cohort):
        _out().print(f"wrote {path}")


@main.command()
def export() -> None:
    """Write reports/grades.csv for an LMS: nbgrader's columns plus one column per criterion."""
    _out().print(f"wrote {api.export(root=_root())}")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--learner", default="me", show_default=True, callback=_learner,
              help="Your learner id.")
@click.option("--level", type=LEVEL, help="The notebook's level, when its folder does not say.")
def check(path: Path, learner: str, level: str | None) -> None:
    """Grade your own notebook (or level folder) with the hidden tests, now.

    Grading happens in a private gradebook (.course/check/, or $COURSE_HOME/check/): the course's
    own gradebook, reports and LMS export never see it.
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    root = _root()
    if not _verbose():  # the table is the whole answer: no stray library warnings around it
        logging.getLogger().setLevel(logging.ERROR)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=_err(), transient=True) as progress:
        task = progress.add_task("checking", total=None)
        done = api.check(root=root, path=path, learner=learner, level=level,
                         step=lambda what: progress.update(task, description=what))
    if not done.result.ok:
        _fail(f"your notebook could not be graded: {done.result.reason}")
    _show_check(done.result, path, learner, done.private)


def _show_check(result, path: Path, learner: str, private: Path) -> None:
    from rich.table import Table

    from . import criteria

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
        name = criteria.get(c.id).title if c.id in criteria.BY_ID else c.id
        table.add_row(mark, f"{name}\n[dim]{c.id}[/dim]", f"{c.score:g}/{c.max_score:g}",
                      c.message or "")
    out = _out()
    out.print(table)
    failed = [c for c in auto if not c.passed and c.id in criteria.BY_ID]
    for c in failed:
        known = criteria.get(c.id)
        out.print(f"[bold]Hint for {c.id}[/bold] ({known.title}): {known.hint}")
    if failed:
        out.print(f'More in the notebook: hint("{failed[0].id}") gives a hint, more specific each '
                  "time you call it.")
    if stems is not None:
        out.print(f"{result.level} so far: {result.score:g}/{result.max_score:g} points (only "
                  f"{Path(path).name} was checked; `course check <folder of {result.level}>` "
                  "grades the whole level)")
    report = private / "feedback" / learner / "report.html"
    out.print(f"feedback: {report if report.is_file() else private / 'feedback' / learner}")


@main.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8888, show_default=True,
              help="Port on 127.0.0.1 (used exactly: JupyterLab does not move to another one).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.option("--instructor", is_flag=True, help="Open the course folder with formgrader.")
def lab(port: int, no_browser: bool, instructor: bool) -> None:
    """Start JupyterLab on 127.0.0.1: on your workspace/ for learners, the course folder for instructors.

    Learners: workspace/ is your own copy of release/, made on the first run; later runs add new
    notebooks and put a newer version of one you changed beside it (new-release/), never over
    it. Learners get nbgrader's assignment list and Validate button; instructors get formgrader
    and the create-assignment tools. Set JUPYTER_TOKEN to choose the login token. Stopping
    `course lab` (Ctrl-C, or a signal) stops JupyterLab too.
    """
    def synced(report) -> None:  # noqa: ANN001 -- a workspace.SyncReport
        for line in report.lines():
            _out().print(line)

    def starting(run) -> None:  # noqa: ANN001 -- a lab.LabPlan
        _out().print(f"JupyterLab for {'instructors' if instructor else 'learners'} on "
                     f"{run.root_dir} (Jupyter config: {run.config_dir})")

    code = api.lab(root=_root(), port=port, open_browser=not no_browser, instructor=instructor,
                   on_sync=synced, on_start=starting)
    if code >= 128:
        raise _Stopped(f"stopped by {signal.Signals(code - 128).name}; JupyterLab was shut down",
                       code)
    sys.exit(code)


@main.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--demo", is_flag=True,
              help="Create demo accounts (demo-learner1, demo-learner2, demo-instructor) with "
                   "random passwords, kept in .course/hub/state/accounts.txt.")
@click.option("--learner", "learners", multiple=True, callback=lambda _c, _p, v: tuple(
    _learner(None, None, x) for x in v), help="A local account that takes the course (created "
    "with a random password when missing); repeat for more.")
@click.option("--instructor", "instructors", multiple=True, callback=lambda _c, _p, v: tuple(
    _learner(None, None, x) for x in v), help="A local account that teaches it (formgrader); "
    "repeat for more.")
def hub(port: int, demo: bool, learners: tuple[str, ...], instructors: tuple[str, ...]) -> None:
    """Start JupyterHub for the course on 127.0.0.1 (deploy/jupyterhub/jupyterhub_config.py).

    Accounts of the Unix group nbgrader-<course> are learners (the Assignments tab), those of
    formgrade-<course> instructors (formgrader). Needs root on Linux, like any JupyterHub that
    runs servers as the machine's own accounts.
    """
    run = api.hub(root=_root(), port=port, demo=demo, learners=learners, instructors=instructors)
    out = _out()
    out.print(f"JupyterHub for the course on {run.url} (Ctrl-C stops it)")
    for name, password in run.created.items():
        out.print(f"  new account {name}, password {password}")
    if run.accounts_file.is_file():
        out.print(f"  accounts made by `course hub`: {run.accounts_file}")
    sys.stdout.flush()
    os.chdir(run.cwd)
    os.execve(run.cmd[0], run.cmd, run.env)


@main.command()
def demo() -> None:
    """Grade a sample cohort (two study groups, second attempts) in demo/ and report on it.

    demo/ is a scratch course of its own, rebuilt on each run: the course's gradebook,
    submissions, feedback, reports and roster, and a learner's workspace, are never touched.
    """
    import time

    root = _root()
    started = time.monotonic()
    with _GradingDisplay() as display:
        run = api.demo(root=root, progress=display)
    course, results = run.course, run.results
    out = _out()
    out.print(f"demo done in {time.monotonic() - started:.0f} s, in its own course {course} "
              "(your course folder is untouched). Reports:")
    out.print(f"  learners: {course / 'feedback'}/<learner>/report.html (and report.json, history.json)")
    out.print(f"  cohort:   {course / 'reports' / 'cohort.html'}")
    out.print(f"  groups:   {course / 'reports' / 'groups'}/<group>.html")
    out.print(f"  LMS CSV:  {course / 'reports' / 'grades.csv'}")
    if any(not r.ok for r in results):
        _fail("some sample learners could not be graded")


if __name__ == "__main__":
    main()
