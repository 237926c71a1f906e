"""A cohort on the real JupyterHub, in headless Chromium: release, fetch, submit, collect, grade,
release feedback, fetch feedback; and a submission after the due date that costs a penalty.

Nothing is faked: `course hub` starts JupyterHub and Debian's configurable-http-proxy on
127.0.0.1, the learners and the instructor are real local accounts that log in with their
passwords (PAM), each server runs as its account, and nbgrader's exchange is a folder shared
through file permissions. The instructor runs the `course` commands as their own account
(grading runs as root: the sandbox gives each job its own uid). Needs root on Linux, chromium and
configurable-http-proxy (`make system`). Screenshots: tests/artifacts/screenshots/hub-*.png;
the time each phase took: tests/artifacts/hub-timings.json.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .conftest import ROOT, make_course, run_course

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
TIMINGS = ROOT / "tests" / "artifacts" / "hub-timings.json"
LEARNERS = {"hubtest-ada": "correct", "hubtest-ben": "wrong"}
INSTRUCTOR = "hubtest-ines"
NOTEBOOK = "ml-engineer-skills/level1/01-ml-fundamentals.ipynb"
SPLIT = {
    "correct": "def split_data(X, y, test_size=0.2, random_state=42):\n"
               "    return train_test_split(X, y, test_size=test_size, random_state=random_state,\n"
               "                            stratify=y)\n",
    # a realistic mistake: no stratification, so l1_split fails
    "wrong": "def split_data(X, y, test_size=0.2, random_state=42):\n"
             "    return train_test_split(X, y, test_size=test_size, random_state=random_state)\n",
}

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0,
                       reason="JupyterHub with local accounts needs root on Linux"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: run `make system`"),
    pytest.mark.skipif(shutil.which("configurable-http-proxy") is None,
                       reason="configurable-http-proxy is missing: run `make system`"),
]

_timings: dict[str, float] = {}


class _Clock:
    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self):
        self.start = time.monotonic()

    def __exit__(self, *exc):
        _timings[self.name] = round(time.monotonic() - self.start, 1)
        TIMINGS.parent.mkdir(parents=True, exist_ok=True)
        TIMINGS.write_text(json.dumps(_timings, indent=1) + "\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reachable_python():
    """Folders on the way to the course's Python that other accounts cannot enter (pyenv in /root
    on this kind of machine), opened to them (o+x) for the test and closed again after it."""
    from course.hub.runtime import blocking_folder

    opened = []
    for path in (Path(sys.prefix), Path(sys.executable), Path(sys.base_prefix) / "lib", ROOT):
        while (folder := blocking_folder(path)) is not None:
            mode = stat.S_IMODE(os.stat(folder).st_mode)
            opened.append((folder, mode))
            os.chmod(folder, mode | stat.S_IXOTH)
    return opened


def _stop_processes_of(names: list[str]) -> None:
    """Whatever the hub started for the test's accounts and left behind (servers, kernels)."""
    import psutil

    procs = [p for p in psutil.process_iter(["username"]) if p.info["username"] in names]
    for proc in procs:
        try:
            proc.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=10)
    for proc in alive:
        try:
            proc.kill()
        except psutil.Error:
            pass


class Cohort:
    """The running hub, its course folder and accounts."""

    def __init__(self, course: Path, url: str, passwords: dict[str, str]) -> None:
        self.course, self.url, self.passwords = course, url, passwords

    def instructor(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        """`course ARGS` run by the instructor's own account, as from their hub terminal."""
        env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": f"/home/{INSTRUCTOR}",
               "COURSE_ROOT": str(self.course), "COURSE_GROUPSHARED": "1", "NO_COLOR": "1",
               "COLUMNS": "200", "LANG": "C.UTF-8"}
        proc = subprocess.run(["runuser", "-u", INSTRUCTOR, "--", "env", "-i",
                               *[f"{k}={v}" for k, v in env.items()],
                               sys.executable, "-m", "course", *args],
                              cwd=self.course, capture_output=True, text=True, timeout=timeout)
        assert proc.returncode == 0, f"course {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
        return proc


@pytest.fixture(scope="module")
def cohort():
    from course.hub.accounts import (
        ensure_account,
        instructor_group,
        learner_group,
        remove_account,
        set_password,
    )

    opened = _reachable_python()
    base = Path(tempfile.mkdtemp(prefix="course-hub-", dir="/var/tmp"))
    os.chmod(base, 0o755)
    course = make_course(base / "course")
    for level in ("level2", "level3"):  # one level keeps the hub's start-up short
        shutil.rmtree(course / "source" / level, ignore_errors=True)
        shutil.rmtree(course / "release" / level, ignore_errors=True)
    names = [*LEARNERS, INSTRUCTOR]
    passwords = {}
    for name in names:
        groups = [learner_group("ml-engineer-skills")]
        if name == INSTRUCTOR:
            groups.append(instructor_group("ml-engineer-skills"))
        ensure_account(name, groups)
        passwords[name] = secrets.token_urlsafe(12)
        set_password(name, passwords[name])
    port = _free_port()
    log = base / "hub.log"
    env = dict(os.environ, COURSE_ROOT=str(course), NO_COLOR="1")
    args = [sys.executable, "-m", "course", "hub", "--port", str(port),
            *[a for n in LEARNERS for a in ("--learner", n)], "--instructor", INSTRUCTOR]
    with _Clock("hub start"):
        with open(log, "w") as out:
            hub = subprocess.Popen(args, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        deadline = time.monotonic() + 300
        while True:
            if hub.poll() is not None:
                raise AssertionError(f"course hub exited {hub.returncode}:\n{log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/api", timeout=3) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the hub did not answer in 300 s:\n{log.read_text()[-4000:]}")
            time.sleep(1)
    try:
        yield Cohort(course, f"http://127.0.0.1:{port}", passwords)
    finally:
        if hub.poll() is None:
            os.killpg(hub.pid, signal.SIGTERM)  # JupyterHub stops the servers and the proxy
            try:
                hub.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(hub.pid, signal.SIGKILL)
                hub.wait(timeout=10)
        _stop_processes_of(names)
        for name in names:
            remove_account(name)
        for folder, mode in reversed(opened):
            os.chmod(folder, mode)
        if os.environ.get("KEEP_HUB_COURSE") != "1":
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"],
                                      headless=True)
        yield chromium
        chromium.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"hub-{name}.png"), full_page=False)


@pytest.fixture(scope="module")
def pages(cohort, browser):
    """One logged-in browser (its own cookies) per learner, kept across the tests."""
    opened = {}

    def page_of(name: str):
        if name not in opened:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.set_default_timeout(120_000)
            with _Clock(f"{name} logs in and JupyterLab loads"):
                page.goto(f"{cohort.url}/hub/login")
                page.fill("#username_input", name)
                page.fill("#password_input", cohort.passwords[name])
                page.click("#login_submit")
                page.wait_for_selector(".jp-LabShell", timeout=240_000)
            opened[name] = page
        return opened[name]

    yield page_of
    for page in opened.values():
        page.context.close()


@pytest.fixture
def screenshot_on_failure(request, pages):
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failed_before:
        for name in LEARNERS:
            try:
                _shot(pages(name), f"{request.node.name}-{name}-failed")
            except Exception:  # the failure itself is what matters
                pass


def _assignments(page):
    """The Assignments tab (nbgrader's assignment list), opened from the Nbgrader menu."""
    tab = page.locator(".lm-TabBar-tab", has_text="Assignments")
    if tab.count():
        tab.first.click()
    else:
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        page.locator(".lm-Menu-itemLabel", has_text="Assignment List").first.click()
    page.locator("#released_assignments_list").wait_for()
    return page


def _write_answer(cohort, page, name: str, source: str) -> None:
    """Open the fetched notebook, replace the split_data answer cell, save."""
    page.goto(f"{cohort.url}/user/{name}/lab/tree/{NOTEBOOK}")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    cell = page.locator(".jp-Notebook .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text="def split_data(")).first
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+S")
    saved = Path(f"/home/{name}") / NOTEBOOK
    deadline = time.monotonic() + 60
    while not _holds(saved, source):
        assert time.monotonic() < deadline, f"{name}'s notebook was not saved with the new answer"
        time.sleep(0.5)


def _holds(path: Path, source: str) -> bool:
    """Whether the notebook on disk has a cell with exactly this source."""
    try:
        cells = json.loads(path.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        return False
    return any("".join(c["source"]).strip() == source.strip() for c in cells)


def _submit(page) -> str:
    """Press Submit in the Assignments tab; returns the new submission's time as listed."""
    _assignments(page)
    times = page.locator("#submitted_assignments_list .nested_list_item .item_name")
    before = times.count()
    page.locator("#fetched_assignments_list .list_item", has_text="level1").locator(
        "button", has_text="Submit").first.click()
    page.wait_for_function("document.querySelectorAll("
                           f"'#submitted_assignments_list .nested_list_item').length > {before}")
    return max(t.strip() for t in times.all_inner_texts())


def _fetch_feedback_and_open_report(page, submitted: str):
    """Fetch Feedback in the Assignments tab, follow the submission's "view feedback" link, open
    report.html; returns the report's frame."""
    _assignments(page)
    page.locator("#refresh_assignments_list").click()
    page.locator("#submitted_assignments_list .list_item", has_text="level1").first.locator(
        "button", has_text="Fetch Feedback").click()
    link = page.locator("#submitted_assignments_list .nested_list_item", has_text=submitted).locator(
        "a", has_text="view feedback")
    link.wait_for()
    link.click()
    report = page.locator(".jp-DirListing-item", has_text="report.html").first
    report.wait_for()
    report.dblclick()
    frame = page.frame_locator(".jp-HTMLViewer:visible iframe").first
    frame.locator("#criteria-h").wait_for()
    return frame


@pytest.fixture(scope="module")
def cohort_run(cohort, pages):
    """The loop once: the instructor releases level1; hubtest-ben submits a wrong split_data in
    time; the due date passes (the instructor sets it, with 10 % off per day late); hubtest-ada
    submits a correct one after it; the instructor collects, grading runs, feedback is released.
    Returns each learner's submission time as the Assignments tab lists it."""
    with _Clock("instructor releases level1"):
        cohort.instructor("release", "level1")
    submitted = {}
    for name in ("hubtest-ben", "hubtest-ada"):
        kind = LEARNERS[name]
        page = pages(name)
        if name == "hubtest-ada":  # the due date passes between the two submissions
            due = datetime.now(UTC).isoformat(timespec="seconds")
            config = cohort.course / "nbgrader_config.py"
            config.write_text(config.read_text() + f"\nc.CourseSchedule.due_dates = {{'level1': '{due}'}}\n"
                              "c.LatePenalty.penalty_method = 'per_day'\n"
                              "c.LatePenalty.percent_per_day = 10.0\n")
            time.sleep(1.5)
        with _Clock(f"{name} fetches, writes split_data and submits"):
            _assignments(page).locator("#released_assignments_list .list_item",
                                       has_text="level1").locator("button", has_text="Fetch").click()
            page.locator("#fetched_assignments_list .list_item", has_text="level1").first.wait_for()
            _shot(page, f"1-{kind}-learner-fetched-level1")
            # a learner's server has no formgrader, page or API
            assert page.request.get(f"{cohort.url}/user/{name}/formgrader").status == 404
            _write_answer(cohort, page, name, SPLIT[kind])
            _shot(page, f"2-{kind}-learner-wrote-split-data")
            submitted[name] = _submit(page)
            _shot(page, f"3-{kind}-learner-submitted")
    with _Clock("instructor collects"):
        out = cohort.instructor("collect", "level1").stdout
    for name in LEARNERS:
        assert re.search(rf"{name}\s.*collected", out), out
    with _Clock("course grade level1 (sandboxed, 2 learners)"):
        graded = run_course(cohort.course, "grade", "level1")
    assert "graded" in graded.stdout and "bubblewrap" in (
        cohort.course / "autograded" / "hubtest-ada" / "level1" / "grading.json").read_text()
    with _Clock("instructor releases feedback"):
        cohort.instructor("feedback", "level1", "--release")
    return submitted


def test_each_learner_fetches_their_report_with_the_right_verdict(cohort, pages, cohort_run,
                                                                   screenshot_on_failure):
    for name, kind in LEARNERS.items():
        page = pages(name)
        with _Clock(f"{name} fetches feedback and opens the report"):
            report = _fetch_feedback_and_open_report(page, cohort_run[name])
            verdict = report.locator(".crit", has_text="l1_split").first
            verdict.scroll_into_view_if_needed()
            _shot(page, f"4-{kind}-learner-report")
        expected = "passed" if kind == "correct" else "failed"
        assert expected in (verdict.get_attribute("class") or ""), verdict.inner_text()
        assert ("Met." if kind == "correct" else "Not met yet.") in verdict.inner_text()
        data = json.loads((cohort.course / "feedback" / name / "report.json").read_text())
        mark = {c["id"]: c["mark"] for c in data["levels"]["level1"]["criteria"]}
        assert mark["l1_split"] == ("✅" if kind == "correct" else "❌")


def test_a_submission_after_the_due_date_shows_its_penalty(cohort, pages, cohort_run,
                                                           screenshot_on_failure):
    page = pages("hubtest-ada")  # submitted after the due date
    report = _fetch_feedback_and_open_report(page, cohort_run["hubtest-ada"])
    notice = report.locator(".notice.late").first
    notice.scroll_into_view_if_needed()
    _shot(page, "5-late-learner-report-with-penalty")
    assert "Handed in after the due date" in notice.inner_text()
    assert "Late penalty: −" in notice.inner_text(), notice.inner_text()
    late = json.loads((cohort.course / "feedback" / "hubtest-ada" / "report.json").read_text())
    level = late["levels"]["level1"]
    assert level["late"] and level["late_penalty"] > 0 and level["due"]
    on_time = json.loads((cohort.course / "feedback" / "hubtest-ben" / "report.json").read_text())
    assert not on_time["levels"]["level1"]["late"]
