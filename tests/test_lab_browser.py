"""`course lab` in headless Chromium: a learner runs a notebook, fixes a stub and self-checks it;
an instructor sees formgrader with every level; a learner's server does not serve formgrader.

Playwright drives the system's chromium (/usr/bin/chromium, installed by `make system`); no
browser is downloaded. Screenshots are kept in tests/artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from course.config import available_levels

from .conftest import ROOT, make_course

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
NOTEBOOK = "level1/01-ml-fundamentals.ipynb"
STUB_MESSAGE = "Replace this line with your code, then run the cell."
CORRECT_SPLIT = (
    "def split_data(X, y, test_size=0.2, random_state=42):\n"
    "    return train_test_split(X, y, test_size=test_size, random_state=random_state, stratify=y)\n"
)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is missing: run `make system`")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


class Lab:
    def __init__(self, base: str, token: str, log: Path) -> None:
        self.base, self.token, self.log = base, token, log

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"


@contextmanager
def running_lab(course: Path, *args: str) -> Iterator[Lab]:
    """`course lab --no-browser --port <free> ARGS` on a course copy, until it answers."""
    port, token = _free_port(), secrets.token_hex(16)
    log = course / f"lab-{port}.log"
    env = dict(os.environ, COURSE_ROOT=str(course), JUPYTER_TOKEN=token, NO_COLOR="1")
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "course", "lab", "--no-browser", "--port",
                                 str(port), *args], cwd=course, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", token, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"course lab exited {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if _get(lab.url("/api/status"), timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"JupyterLab did not answer in 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield lab
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # Jupyter shuts its kernels down on SIGTERM
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("lab-course"))


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
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _cell(page, text: str):
    """The notebook cell whose source contains `text` (the first one)."""
    return page.locator(".jp-Notebook .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=text)).first


def _run_cell(page, cell) -> None:
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Escape")  # command mode: Shift+Enter runs the selected cell
    page.keyboard.press("Shift+Enter")


def _output(cell, text: str, timeout_ms: int = 120_000) -> str:
    """Wait until the cell shows an output containing text (JupyterLab renders outputs of cells
    scrolled into view only) and return that output's text."""
    cell.scroll_into_view_if_needed()
    out = cell.locator(".jp-OutputArea-output", has_text=text).first
    out.wait_for(state="visible", timeout=timeout_ms)
    return out.text_content() or ""


def _wait_executed(cell, timeout_ms: int = 120_000) -> None:
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-prompt", has_text=re.compile(r"\[\d+\]")).wait_for(timeout=timeout_ms)


@pytest.fixture
def page(browser, request):
    """A browser tab; when the test fails, its last state is saved as <test name>-failed.png."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(60_000)
    failed_before = request.session.testsfailed
    yield page
    if request.session.testsfailed > failed_before:
        _shot(page, f"{request.node.name}-failed")
    page.close()


def test_learner_runs_the_notebook_fixes_a_stub_and_self_checks_it(course, page):
    with running_lab(course) as lab:
        page.goto(lab.url(f"/lab/tree/{NOTEBOOK}"))
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        # the kernel has started and is idle (the status bar says so) before anything runs
        page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"\|\s*Idle")).first.wait_for(
            timeout=120_000)

        # Run > Run All Cells: the first demo cell stops at a stub with its message
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        shown = _output(_cell(page, "X, y = load_dataset()"), STUB_MESSAGE)
        assert "NotImplementedError" in shown
        _shot(page, "learner-01-run-all-stub-message")

        # Run All stopped there; run the untouched split_data stub, then its self-check: not written yet
        answer = _cell(page, "def split_data(")
        _run_cell(page, answer)
        _wait_executed(answer)
        selfcheck = _cell(page, 'check("l1_split", split_data)')
        _run_cell(page, selfcheck)
        assert "replace the `raise NotImplementedError` line in `split_data`" in _output(
            selfcheck, "not written yet")
        _shot(page, "learner-02-selfcheck-not-written")

        # type a correct split_data into its answer cell, run it, run the self-check again
        answer.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(CORRECT_SPLIT)
        page.keyboard.press("Escape")
        page.keyboard.press("Shift+Enter")
        _run_cell(page, selfcheck)  # the kernel runs it after the answer cell
        text = _output(selfcheck, "visible checks passed")
        assert "visible checks passed" in text and "l1_split" in text and "course check" in text
        assert "all tests passed" not in text.lower()
        _shot(page, "learner-03-selfcheck-passed")

        # the learner's server leaves formgrader out, page and API alike
        assert _get(lab.url("/formgrader"))[0] == 404
        assert _get(lab.url("/formgrader/api/assignments"))[0] == 404
    progress = json.loads((course / ".course" / "progress.json").read_text())
    assert progress["checks"]["l1_split"]["passed"] is True


def test_learner_lab_config_switches_instructor_tools_off(course):
    with running_lab(course) as lab:
        status, html = _get(lab.url("/lab"))
        assert status == 200
        for plugin in ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"):
            assert plugin in html, f"{plugin} should be listed in disabledExtensions"
        assert _get(lab.url("/formgrader"))[0] == 404
        assert _get(lab.url(f"/api/contents/{NOTEBOOK}?content=0"))[0] == 200  # root is workspace/
        status, body = _get(lab.url("/assignments?course_id=ml-engineer-skills"), timeout=60)
        assert status == 200 and json.loads(body)["success"] is True, body  # the assignment list works


def test_instructor_sees_formgrader_with_every_level(course, page):
    levels = available_levels(course)
    assert {"level1", "level2"} <= set(levels)
    with running_lab(course, "--instructor") as lab:
        status, body = _get(lab.url("/formgrader/api/assignments"), timeout=60)
        assert status == 200, body
        listed = {a["name"] for a in json.loads(body)}
        assert set(levels) <= listed, f"formgrader lists {sorted(listed)}, the course has {levels}"
        page.goto(lab.url("/formgrader"))
        for level in levels:
            page.wait_for_selector(f"td:has-text('{level}'), a:has-text('{level}')")
        _shot(page, "instructor-formgrader-levels")
