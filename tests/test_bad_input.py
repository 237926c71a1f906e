"""Every bad input through the real `course` command: one clear line, a non-zero exit, no traceback,
and the course folder byte for byte as it was.

Each row is a case a learner or an instructor has met (or will): files that cannot be read or are
in the wrong encoding, rosters as spreadsheets save them, URLs, ports, ids, levels, a course folder
that is not one. Interrupted runs (Ctrl-C, SIGTERM) are at the end.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from .conftest import run_course
from .tiny_course import make_tiny_course

SECRET = "s3cr3t-pw"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = make_tiny_course(tmp_path_factory.mktemp("bad-input") / "course")
    run_course(course, "init")
    run_course(course, "release", "level1")
    work = course.parent / "work" / "level1"
    work.mkdir(parents=True)
    shutil.copy(course / "release" / "level1" / "01-tiny.ipynb", work)
    run_course(course, "submit", "level1", "--learner", "ok", "--from", str(work))
    return course


def snapshot(root: Path) -> dict[str, str]:
    """Every file's digest and every folder (an empty folder left behind counts as a change)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "folder" for p in sorted(root.rglob("*"))}


def run(course: Path, args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
        root_env: bool = True) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in {"COURSE_ROOT", "COURSE_DB_URL", "COURSE_QUEUE_URL", "COURSE_REDIS_URL"}}
    if root_env:
        base["COURSE_ROOT"] = str(course)
    base.update(NO_COLOR="1", COLUMNS="200", **(env or {}))
    return subprocess.run([sys.executable, "-m", "course", *args], cwd=cwd or course, env=base,
                          capture_output=True, text=True, timeout=300)


def assert_one_clear_line(proc: subprocess.CompletedProcess, needle: str, code: int | None) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0, f"exit 0:\n{proc.stdout}\n{proc.stderr}"
    if code is not None:
        assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr
    assert needle in lines[0], lines[0]
    assert SECRET not in proc.stdout + proc.stderr, "a password was printed"
    return lines[0]


def _busy_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


@dataclass
class Case:
    """A bad input: the command, the files it meets, what the one line must say."""

    name: str
    args: list[str]
    needle: str
    code: int | None = 1
    files: dict[str, bytes | str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    outside: bool = False  # run outside the course folder, without COURSE_ROOT


def _utf16_notebook() -> bytes:
    return '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'.encode("utf-16")


def _worked_release() -> str:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("def add(a, b):\n    return a + b", execution_count=3)
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "ans_add",
                                 "schema_version": 3, "locked": False, "task": False}
    nb.cells = [cell]
    return nbformat.writes(nb)


CASES = [
    # rosters
    Case("roster not UTF-8", ["init"], "is not UTF-8",
         files={"roster.csv": "learner_id,name,group\nzoe,Zoë Ünal,a\n".encode("latin-1")}),
    Case("roster with a learner twice", ["init"], "'ada' is on line 2 and again on line 4",
         files={"roster.csv": "learner_id,name,group\nada,Ada,a\nben,Ben,b\nada,Ada L,a\n"}),
    Case("roster with an invalid id", ["init"], "line 3: invalid learner id 'Ben O'",
         files={"roster.csv": "learner_id,name,group\nada,Ada,a\nBen O,Ben,b\n"}),
    Case("roster without a learner_id column", ["init"], "needs a learner_id column",
         files={"roster.csv": "id,name,group\nada,Ada,a\n"}),
    Case("roster with an empty learner id", ["init"], "line 2: no learner_id",
         files={"roster.csv": "learner_id,name,group\n,Ada,a\n"}),
    Case("roster with more values than columns", ["init"], "line 2: 4 values for 3 columns",
         files={"roster.csv": "learner_id,name,group\nada,Lovelace, Ada,a\n"}),
    Case("roster that cannot be read (a folder)", ["init"], "cannot read",
         files={"roster.csv/keep": ""}),
    Case("roster used by a report", ["report", "--cohort"], "again on line 3",
         files={"roster.csv": "learner_id,name,group\nok,Ok,a\nok,Ok,b\n"}),
    # gradebook URLs
    Case("--db-url that is not a URL", ["grade", "--db-url", "not a url"], "is not a database URL"),
    Case("--db-url of another database", ["grade", "--db-url", "mysql://u@h/db"],
         "must be PostgreSQL"),
    Case("--db-url with an impossible port",
         ["grade", "--db-url", f"postgresql://u:{SECRET}@127.0.0.1:99999/db"], "port"),
    Case("--db-url unreachable", ["grade", "--db-url", f"postgresql://u:{SECRET}@127.0.0.1:1/db"],
         "cannot open the gradebook at postgresql+psycopg://u:***@127.0.0.1:1/db"),
    Case("COURSE_DB_URL malformed", ["export"], "COURSE_DB_URL", env={"COURSE_DB_URL": "::::"}),
    Case("COURSE_DB_URL unreachable", ["init"], "cannot open the gradebook",
         env={"COURSE_DB_URL": f"postgresql://grader:{SECRET}@127.0.0.1:1/course"}),
    # the grading queue's Redis
    Case("rq without a queue URL", ["grade", "--backend", "rq"], "needs --queue-url"),
    Case("queue URL that is not Redis", ["grade", "--backend", "rq", "--queue-url", "http://h/0"],
         "is not a Redis URL"),
    Case("queue URL with an impossible port",
         ["worker", "--queue-url", f"redis://:{SECRET}@127.0.0.1:99999/0"], "not a valid Redis URL"),
    Case("queue URL with a database that is not a number",
         ["worker", "--queue-url", "redis://127.0.0.1:6379/queue"], "must be a number"),
    Case("queue unreachable", ["grade", "--backend", "rq", "--queue-url",
                               f"redis://:{SECRET}@127.0.0.1:1/0"],
         "cannot reach Redis at redis://:***@127.0.0.1:1/0"),
    Case("worker with an unreachable queue", ["worker", "--burst", "--queue-url",
                                              f"redis://:{SECRET}@127.0.0.1:1/0"],
         "redis://:***@127.0.0.1:1/0"),
    Case("queue on the notebooks' Redis",
         ["grade", "--backend", "rq", "--queue-url", "redis://localhost:6390/0"],
         "is the notebooks' Redis", env={"COURSE_REDIS_URL": "redis://127.0.0.1:6390"}),
    Case("queue URL only in COURSE_REDIS_URL", ["worker"], "needs --queue-url",
         env={"COURSE_REDIS_URL": "redis://127.0.0.1:6390/0"}),
    # ports
    Case("negative port", ["lab", "--port", "-5"], "-5 is not in the range", code=2),
    Case("port too large", ["lab", "--port", "99999"], "99999 is not in the range", code=2),
    Case("port that is not a number", ["lab", "--port", "eighty"], "'eighty' is not a valid", code=2),
    # learner ids, levels, paths, notebooks
    Case("learner id with a space", ["submit", "level1", "--learner", "Bad Id", "--from", "."],
         "invalid learner id", code=2),
    Case("learner id that climbs folders",
         ["submit", "level1", "--learner", "../x", "--from", "."], "invalid learner id", code=2),
    Case("learner id too long", ["grade", "--learner", "x" * 70], "invalid learner id", code=2),
    Case("unknown level", ["grade", "level9"], "level9", code=2),
    Case("a level with no notebooks", ["submit", "level2", "--learner", "ok", "--from", "."],
         "level2"),
    Case("submit from a missing folder",
         ["submit", "level1", "--learner", "ok", "--from", "/nonexistent"], "not a folder"),
    Case("submit a notebook in UTF-16", ["submit", "level1", "--learner", "ok", "--from", "../in"],
         "not valid notebook JSON (not UTF-8 text)", files={"../in/01-tiny.ipynb": _utf16_notebook()}),
    Case("submit a notebook that is broken JSON",
         ["submit", "level1", "--learner", "ok", "--from", "../in"], "not valid notebook JSON",
         files={"../in/01-tiny.ipynb": "{ not json"}),
    Case("submit a notebook that is a folder",
         ["submit", "level1", "--learner", "ok", "--from", "../in"], "is a folder, not a notebook",
         files={"../in/01-tiny.ipynb/x": ""}),
    Case("submit from a file, not a folder",
         ["submit", "level1", "--learner", "ok", "--from", "nbgrader_config.py"], "not a folder"),
    Case("submit JSON that is not a notebook",
         ["submit", "level1", "--learner", "ok", "--from", "../in"], "JSON but not a notebook",
         files={"../in/01-tiny.ipynb": "[1, 2, 3]"}),
    Case("check for a level without notebooks", ["check", "../in/01-tiny.ipynb", "--level", "level2"],
         "has no notebooks yet", files={"../in/01-tiny.ipynb": "{}"}),
    Case("a report for a learner never graded", ["report", "--learner", "nobody"],
         "nobody has no graded level"),
    Case("no workers", ["grade", "--workers", "0"], "0 is not in the range", code=2),
    Case("a heartbeat of nothing", ["grade", "--stale-after", "0"], "not in the range", code=2),
    Case("--course without a folder", ["export", "--course"], "No such option", code=2),
    Case("a SQLite gradebook in a missing folder",
         ["grade", "--db-url", "sqlite:////nonexistent/folder/gradebook.db"],
         "cannot open the gradebook at sqlite:////nonexistent/folder/gradebook.db"),
    Case("check a missing notebook", ["check", "/nonexistent/01-tiny.ipynb"], "no such notebook"),
    Case("check a notebook of no course", ["check", "../in/other.ipynb"], "not a course notebook",
         files={"../in/other.ipynb": nbformat.writes(nbformat.v4.new_notebook())}),
    Case("check an empty folder", ["check", "../empty"], "holds no notebooks",
         files={"../empty/notes.txt": "x"}),
    Case("nothing to grade", ["grade", "--learner", "nobody"], "nothing to grade"),
    Case("feedback before grading", ["feedback", "--learner", "nobody"], "no graded submission"),
    Case("report on an unknown group", ["report", "--group", "nobody"],
         "no graded learner in group 'nobody'"),
    Case("unknown option", ["grade", "--fast"], "No such option '--fast'", code=2),
    # the course folder
    Case("outside any course folder", ["export"], "--course DIR or COURSE_ROOT=DIR", outside=True),
    Case("--course that does not exist", ["--course", "/nonexistent/course", "export"],
         "does not exist", outside=True),
    Case("COURSE_ROOT without a course", ["export"], "has no nbgrader_config.py",
         env={"COURSE_ROOT": "/tmp"}, outside=True),
    Case("nbgrader_config.py with a syntax error", ["export"], "nbgrader_config.py cannot be read",
         files={"nbgrader_config.py": "c = get_config(\n"}),
    # someone's work where the course writes
    Case("release over a notebook with work in it", ["release", "level1"],
         "release/level1/ holds someone's work (01-tiny.ipynb",
         files={"release/level1/01-tiny.ipynb": _worked_release()}),
    Case("demo into a folder it did not make", ["demo"], "was not made by the course",
         files={"demo/my-notes.txt": "mine"}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_one_clear_line_and_changes_nothing(course, case, tmp_path):
    saved: dict[Path, bytes | None] = {}
    created: list[Path] = []
    for rel, data in case.files.items():
        path = (course / rel).resolve()
        if path.is_file():
            saved[path] = path.read_bytes()
        top = path
        while not top.parent.exists():
            top = top.parent
        if not top.exists():
            created.append(top)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    try:
        before = snapshot(course)
        proc = run(course, case.args, case.env, cwd=tmp_path if case.outside else course,
                   root_env="COURSE_ROOT" not in case.env and not case.outside)
        assert_one_clear_line(proc, case.needle, case.code)
        assert snapshot(course) == before, "the command changed the course folder"
        if case.outside:
            assert not list(tmp_path.iterdir()), "the command wrote where it was run"
    finally:
        for path, data in saved.items():
            path.write_bytes(data)
        for path in created:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def test_a_port_in_use_is_refused_not_moved(course):
    busy = _busy_port()
    try:
        before = snapshot(course)
        port = busy.getsockname()[1]
        proc = run(course, ["lab", "--no-browser", "--port", str(port)])
        line = assert_one_clear_line(proc, f"port {port} on 127.0.0.1 is already in use", 1)
        assert "--port" in line
        assert snapshot(course) == before
    finally:
        busy.close()


# --- interrupted runs ----------------------------------------------------------------------------

def _interrupt(course: Path, args: list[str], signum: int, after, timeout: float = 180,
               settle: float = 1.0):
    """Start `course ARGS` in its own process group, wait until `after` (a path) exists or
    (a function) answers True, then send `signum` to the whole group, as a terminal's Ctrl-C does."""
    ready = after if callable(after) else after.exists
    env = {k: v for k, v in os.environ.items() if k != "COURSE_DB_URL"}
    env.update(COURSE_ROOT=str(course), NO_COLOR="1", COLUMNS="200", TMPDIR=str(course.parent / "tmp"))
    (course.parent / "tmp").mkdir(exist_ok=True)
    log = course.parent / "interrupt.log"
    with open(log, "w") as out, open(course.parent / "interrupt.out", "w") as stdout:
        proc = subprocess.Popen([sys.executable, "-m", "course", *args], cwd=course, env=env,
                                stdout=stdout, stderr=out, start_new_session=True)
    deadline = time.monotonic() + timeout
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(settle)
    assert proc.poll() is None, f"finished before it could be interrupted:\n{log.read_text()}"
    os.killpg(proc.pid, signum)
    proc.wait(timeout=120)
    stderr = log.read_text()
    final = stderr.replace("\r", "\n").splitlines()
    return proc.returncode, stderr, [line for line in final if line.startswith("Error")]


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["ctrl-c", "sigterm"])
def test_an_interrupted_check_says_so_and_leaves_nothing_behind(course, signum, code):
    mine = course.parent / "mine" / "level1"
    mine.mkdir(parents=True, exist_ok=True)
    shutil.copy(course / "release" / "level1" / "01-tiny.ipynb", mine)
    before = snapshot(course)
    handed_in = course / ".course" / "check" / "submitted" / "me" / "level1" / "timestamp.txt"
    if handed_in.exists():
        handed_in.unlink()
    rc, stderr, errors = _interrupt(course, ["check", str(mine / "01-tiny.ipynb")], signum,
                                    handed_in)
    assert rc == code, stderr
    assert "Traceback" not in stderr, stderr
    assert len(errors) == 1 and ("interrupted" in errors[0] or "stopped by" in errors[0]), stderr
    after = snapshot(course)
    mine_changed = {k for k in set(before) ^ set(after) | {k for k in before if before[k] != after.get(k)}
                    if k != ".course" and not k.startswith(".course/")}
    assert not mine_changed, f"the course folder changed outside .course/: {mine_changed}"
    # course-grading-uids/ holds the uid leases every grading run shares: not a leftover
    leftovers = [p for p in (course.parent / "tmp").iterdir() if p.name != "course-grading-uids"]
    assert not leftovers, f"temporary files left behind: {leftovers}"


def test_rosters_as_spreadsheets_save_them_are_read_as_meant(tmp_path):
    from course.gradebook import open_gradebook
    from course.reports.model import read_roster

    course = make_tiny_course(tmp_path / "course")
    # Excel's "CSV UTF-8": a byte-order mark; a hand-edited file: spaces after the commas, a blank
    # line, an extra column
    (course / "roster.csv").write_bytes(
        "\ufefflearner_id, name, group, email\r\nada, Ada Lovelace, tuesday, a@x.org\r\n\r\n"
        "ben , Ben Okafor ,thursday,\r\n".encode("utf-8"))
    proc = run(course, ["init"])
    assert proc.returncode == 0, proc.stderr
    assert "2 learner(s)" in proc.stdout
    with open_gradebook(course) as gb:
        people = {s.id: (s.first_name, s.last_name) for s in gb.students}
    assert people == {"ada": ("Ada", "Lovelace"), "ben": ("Ben", "Okafor")}
    assert read_roster(course) == {"ada": {"name": "Ada Lovelace", "group": "tuesday"},
                                   "ben": {"name": "Ben Okafor", "group": "thursday"}}


def test_an_interrupted_grading_records_nothing_and_the_course_data_stays_as_it_was(course):
    run_course(course, "grade", "level1", "--learner", "ok")  # locks and levels exist from now on
    before = snapshot(course)
    running = course / "autograded" / "ok" / "level1"
    tmp = course.parent / "tmp"
    job_started = lambda: any(p.name.startswith("course-grading-") and p.name != "course-grading-uids"  # noqa: E731
                              for p in (tmp.iterdir() if tmp.is_dir() else []))
    # --force: "ok" is unchanged since it was graded, so a plain `course grade` would skip it
    rc, stderr, errors = _interrupt(course, ["grade", "level1", "--learner", "ok", "--force"],
                                    signal.SIGINT, job_started)
    assert rc == 130, stderr
    assert "Traceback" not in stderr and len(errors) == 1 and "interrupted" in errors[0], stderr
    assert snapshot(course) == before, "an interrupted grading changed the course data"
    assert running.is_dir()
    leftovers = [p for p in (course.parent / "tmp").iterdir() if p.name != "course-grading-uids"]
    assert not leftovers, f"temporary files left behind: {leftovers}"
