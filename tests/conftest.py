"""Shared fixtures: the repo, a throw-away course folder, and the course graded once per session."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.notebooks import read_notebook, source_notebooks
from course.samples import learner_notebook

ROOT = Path(__file__).resolve().parent.parent
SOURCE_NOTEBOOKS = source_notebooks(ROOT)
LEVELS = sorted({p.parent.name for p in SOURCE_NOTEBOOKS})


def pytest_configure(config):
    """Ctrl-C behaves as in a terminal, however the suite was started.

    A shell starts a background job (`make test &`, nohup) with SIGINT ignored; Python then never
    raises KeyboardInterrupt, in this process or in the commands the tests interrupt, and a test
    that stops a cell as the cell timeout does waits forever. A handler set here is reset to the
    default in every child at exec, so the children's Python installs its own again.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def nb_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def run_course(root: Path, *args: str, check: bool = True, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run the real `course` command on a course folder."""
    env = dict(os.environ, COURSE_ROOT=str(root), NO_COLOR="1", COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "course", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"course {' '.join(args)} exited {proc.returncode}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def make_course(dest: Path) -> Path:
    """A copy of the course folder (config, source, release) with nothing graded yet."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


def write_learner(course: Path, learner: str, level: str, folder: Path,
                  override: str | None = None, blank: bool = False,
                  extra_cell: str | None = None) -> None:
    """Write one learner's notebooks of a level into `folder` and submit them."""
    folder.mkdir(parents=True, exist_ok=True)
    for release_nb in sorted((course / "release" / level).glob("*.ipynb")):
        if blank:
            nb = read_notebook(release_nb)
        else:
            nb = learner_notebook(course / "source" / level / release_nb.name, release_nb, override)
        if extra_cell:
            nb.cells.append(nbformat.v4.new_code_cell(extra_cell))
        nbformat.write(nb, folder / release_nb.name)
    run_course(course, "submit", level, "--learner", learner, "--from", str(folder))


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory) -> Path:
    """The course graded once through the real `course` commands.

    Learners: `reference` (the solutions), `blank` (the release untouched), `leaky` (level1's
    solutions plus a last cell that prints the input history; tests/engine's attacks try every
    other way to read the hidden tests), and `partial` (level1: scales before splitting and
    scores ROC AUC from labels).
    """
    course = make_course(tmp_path_factory.mktemp("course"))
    work = tmp_path_factory.mktemp("work")
    partial = (ROOT / "course" / "demo" / "work" / "level1" / "partial.py").read_text()
    for level in LEVELS:
        write_learner(course, "reference", level, work / "reference" / level)
        write_learner(course, "blank", level, work / "blank" / level, blank=True)
    write_learner(course, "leaky", LEVELS[0], work / "leaky" / LEVELS[0],
                  extra_cell="print(In)\nprint(_ih)")
    if (course / "release" / "level1" / "01-ml-fundamentals.ipynb").exists():
        write_learner(course, "partial", "level1", work / "partial" / "level1", override=partial)
    run_course(course, "grade")
    run_course(course, "feedback")
    return course


# With pytest-xdist (`make test` runs two workers), tests that share a session or module fixture
# run on one worker, so each graded course is built once. Keys are paths under tests/.
# pytest is held below 9.2 in constraints.txt: on 9.2 xdist's loadgroup silently stops grouping
# (pytest-dev/pytest-xdist#1386) and every shared course is graded once per worker.
_GROUPS = {"test_course_grading.py": "graded_course", "test_reports.py": "graded_course",
           "test_reports_browser.py": "graded_course", "test_cli.py": "tiny_course",
           "test_review.py": "review_course", "test_distributed.py": "distributed",
           "test_exchange.py": "exchange", "test_hub_browser.py": "hub",
           "test_lab_browser.py": "lab", "test_bad_input.py": "bad_input", "test_places.py": "places",
           "test_testing_helpers.py": "testing_helpers", "test_remote.py": "remote",
           "engine/test_engine.py": "engine", "engine/test_attacks.py": "engine_attacks",
           "engine/test_redteam.py": "engine_redteam", "engine/test_uids.py": "engine_uids",
           "boundary/test_two_kernels.py": "two_kernels"}
_TESTS = Path(__file__).resolve().parent


# tryfirst: xdist reads the groups in its own collection hook, which otherwise runs first.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return  # `-p no:xdist`: the xdist_group marker is not registered (and not needed)
    for item in items:
        group = _GROUPS.get(Path(item.path).resolve().relative_to(_TESTS).as_posix())
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped test fails: CI must have every service and tool the tests need."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run every test: {reason}"

