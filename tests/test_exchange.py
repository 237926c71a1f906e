"""nbgrader's exchange both ways on a tiny course: release publishes, learners submit with
nbgrader's own `submit`, `course collect` takes submissions in (or refuses them), feedback goes
out with the report, an LMS zip is collected, and a late submission costs the configured penalty."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from .conftest import run_course
from .tiny_course import make_tiny_course

COURSE_ID = "ml-engineer-skills"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    course = make_tiny_course(tmp_path_factory.mktemp("exchange-course"))
    run_course(course, "release", "level1")
    return course


def _nbgrader(course: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    """nbgrader's own command, as a learner whose work is in `home`."""
    exchange = course / "exchange"
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, f"--course={COURSE_ID}",
         f"--Exchange.root={exchange}", "--Exchange.path_includes_course=True",
         f"--Exchange.cache={home / '.cache'}",
         "--ExchangeFactory.fetch_feedback=course.exchange.plugins.FetchFeedbackWithReport"],
        cwd=home, capture_output=True, text=True, check=True, timeout=300)


def _hand_in(course: Path, home: Path, learner: str, body: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    if not (home / COURSE_ID / "level1").is_dir():
        _nbgrader(course, home, "fetch_assignment", "level1")
    path = home / COURSE_ID / "level1" / "01-tiny.ipynb"
    nb = nbformat.read(path, 4)
    nb.cells[1].source = body
    nbformat.write(nb, path)
    _nbgrader(course, home, "submit", "level1", f"--student={learner}")


def _allow_any_owner(course: Path) -> None:
    # every submission here is written by root; on a hub each learner's own account writes it
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.ExchangeCollect.check_owner = False\n")


def test_release_publishes_the_level(tiny):
    outbound = tiny / "exchange" / COURSE_ID / "outbound" / "level1"
    assert (outbound / "01-tiny.ipynb").is_file()


def test_collect_refuses_a_submission_owned_by_another_account(tiny, tmp_path):
    _hand_in(tiny, tmp_path / "mallory", "zed", "def add(a, b):\n    return a + b")
    out = run_course(tiny, "collect", "level1", check=False)
    assert out.returncode == 1 and "zed" in out.stdout + out.stderr
    assert "belongs to root" in out.stdout + out.stderr
    assert not (tiny / "submitted" / "zed").exists()
    assert "Traceback" not in out.stderr


def test_round_trip_with_report_and_late_penalty(tiny, tmp_path):
    _allow_any_owner(tiny)
    homes = {"ada": tmp_path / "ada", "ben": tmp_path / "ben"}
    _hand_in(tiny, homes["ada"], "ada", "def add(a, b):\n    return a + b")
    _hand_in(tiny, homes["ben"], "ben", "def add(a, b):\n    return a - b")
    first = run_course(tiny, "collect", "level1").stdout
    assert "collected" in first and "ada" in first and "ben" in first
    again = run_course(tiny, "collect", "level1").stdout
    assert "unchanged" in again and "collected before" in again

    # ada hands in again after the due date; 25 % per day late
    config = tiny / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.CourseSchedule.due_dates = {'level1': "
                      "'2020-01-01T00:00:00+00:00'}\nc.LatePenalty.penalty_method = 'per_day'\n"
                      "c.LatePenalty.percent_per_day = 25.0\nc.LatePenalty.max_percent = 50.0\n")
    _hand_in(tiny, homes["ada"], "ada", "def add(a, b):\n    return b + a")
    run_course(tiny, "collect", "level1")
    assert list((tiny / "submitted" / "ada" / ".attempts").iterdir()), "the first attempt is kept"
    run_course(tiny, "grade", "level1")
    run_course(tiny, "feedback", "level1", "--release")

    for who, home in homes.items():
        _nbgrader(tiny, home, "fetch_feedback", "level1", f"--student={who}")
        pages = sorted((home / COURSE_ID / "level1" / "feedback").rglob("*.html"))
        assert {p.name for p in pages} >= {"01-tiny.html", "report.html"}, pages
    ada = json.loads((tiny / "feedback" / "ada" / "report.json").read_text())["levels"]["level1"]
    assert ada["late"] and ada["due"].startswith("2020-01-01")
    # max 50 % of the notebook's autograded 3 points
    assert ada["late_penalty"] == pytest.approx(1.5) and ada["score"] == pytest.approx(1.5)
    ben = json.loads((tiny / "feedback" / "ben" / "report.json").read_text())["levels"]["level1"]
    assert ben["late"] and ben["late_penalty"] == 0  # 0 points: nothing to take
    newest = max((homes["ada"] / COURSE_ID / "level1" / "feedback").iterdir())
    report = (newest / "report.html").read_text()
    assert "Handed in after the due date" in report and "Late penalty" in report
    assert 'href="01-tiny.html"' in report  # links to the page beside it


def test_collect_an_lms_zip(tiny, tmp_path):
    nb = nbformat.read(tiny / "release" / "level1" / "01-tiny.ipynb", 4)
    nb.cells[1].source = "def add(a, b):\n    return a + b"
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("level1/cy/01-tiny.ipynb", nbformat.writes(nb))
        zf.writestr("dee_01-tiny.ipynb", "{not json")
        zf.writestr("readme.txt", "ignored")
    out = run_course(tiny, "collect", "level1", "--zip", str(archive), check=False)
    assert out.returncode == 1, out.stdout + out.stderr  # dee's notebook is refused, cy's taken
    assert (tiny / "submitted" / "cy" / "level1" / "01-tiny.ipynb").is_file()
    assert "dee" in out.stdout and "not valid notebook JSON" in out.stdout + out.stderr
    assert not (tiny / "submitted" / "dee").exists()
    missing = run_course(tiny, "collect", "--zip", str(archive), check=False)
    assert missing.returncode != 0 and "--zip needs the LEVEL" in missing.stderr


@pytest.mark.parametrize("command", ["collect", "hub"])
def test_new_commands_have_help(tiny, command):
    out = run_course(tiny, command, "--help")
    assert "Usage:" in out.stdout and len(out.stdout) > 100

