"""The reports in real headless Chromium: no console errors, nothing fetched from the network,
headings and chart text alternatives present, readable at desktop and phone widths.

Screenshots are kept in tests/artifacts/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT, run_course

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ROSTER = "learner_id,name,group\nreference,Rea Ference,alpha\npartial,Pat O'Neil,alpha\n" \
         "blank,Bo Lank,beta\nleaky,Lee Ky,beta\n"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (make system installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def pages(graded_course) -> dict[str, Path]:
    if not (graded_course / "roster.csv").exists():
        (graded_course / "roster.csv").write_text(ROSTER)
    run_course(graded_course, "report")
    notebook_page = next(iter(sorted((graded_course / "feedback" / "partial").glob("level1/*.html"))))
    return {
        "learner-report": graded_course / "feedback" / "partial" / "report.html",
        "cohort": graded_course / "reports" / "cohort.html",
        "group-alpha": graded_course / "reports" / "groups" / "alpha.html",
        "nbgrader-feedback": notebook_page,
    }


def visit(browser, path: Path, viewport: dict) -> tuple:
    """Open a file:// page; returns (page, context, console errors, requests, blocked requests)."""
    context = browser.new_context(viewport=viewport)
    requests, blocked, errors = [], [], []

    def route(r):
        url = r.request.url
        requests.append(url)
        if url.startswith(("file://", "data:", "http://127.0.0.1", "about:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    return page, context, errors, requests, blocked


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", ["learner-report", "cohort", "group-alpha", "nbgrader-feedback"])
def test_page_in_chromium(browser, pages, name, viewport):
    path = pages[name]
    page, context, errors, requests, blocked = visit(browser, path, VIEWPORTS[viewport])
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"{name}-{viewport}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 0
        assert not errors, f"console errors on {path.name}: {errors}"
        assert not blocked, f"{path.name} tried to load from the network: {blocked}"
        assert requests and requests[0].startswith("file://")
        if name == "nbgrader-feedback":
            return
        assert page.locator("h1").count() == 1
        assert page.locator("h2").count() >= 3
        charts = page.locator("svg.chart")
        assert charts.count() >= 1
        for i in range(charts.count()):
            chart = charts.nth(i)
            assert chart.get_attribute("role") == "img"
            title_id, desc_id = chart.get_attribute("aria-labelledby").split()
            assert (page.locator(f"#{title_id}").text_content() or "").strip()
            assert (page.locator(f"#{desc_id}").text_content() or "").strip()
            # the same data as a table follows the chart in the same section
            assert chart.locator("xpath=following::table[1]").count() == 1
        if viewport == "phone":
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path.name} scrolls sideways on a phone by {overflow}px"
    finally:
        context.close()

