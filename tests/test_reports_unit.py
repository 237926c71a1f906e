"""Unit tests of the report modules: plain data in, plain data (or text) out, no nbgrader run."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from course import criteria
from course.reports import charts, history
from course.reports.cohort import distribution, group_file, needs_help, pass_rates, sessions
from course.reports.export import AWAITING_COLUMN, NBGRADER_COLUMNS, criterion_columns, to_csv
from course.reports.model import (
    AWAITING,
    FAILED,
    PASSED,
    CriterionRow,
    Learner,
    LevelResult,
    NotebookResult,
    percent,
)
from course.reports.offline import make_offline
from course.reports.placement import NOT_YET, place, skill_profile
from course.reports.render import (
    learner_data,
    plain_title,
    render_cohort,
    render_group,
    render_learner,
)


def row(cid: str, status: str, score: float | None = None, *, manual: bool = False,
        comment: str | None = None) -> CriterionRow:
    known = criteria.get(cid)
    max_score = 2.0
    if score is None:
        score = max_score if status == PASSED else 0.0
    return CriterionRow(cid, known.notebook, known.title, known.category, known.hint,
                        known.path_step, manual or known.manual, score, max_score, status,
                        "it went wrong" if status == FAILED else None, comment)


def learner(lid: str, rows: list[CriterionRow], group: str = "g1", graded_at: str = "2026-01-01T10:00:00",
            name: str = "") -> Learner:
    person = Learner(lid, name or lid.title(), group)
    for level in sorted({r.notebook.split("/")[0] for r in rows}):
        mine = [r for r in rows if r.notebook.startswith(level)]
        nbs = tuple(NotebookResult(nb.split("/")[1], tuple(r for r in mine if r.notebook == nb))
                    for nb in sorted({r.notebook for r in mine}))
        person.levels[level] = LevelResult(level, graded_at, nbs)
    return person


# --- percentages and the skill profile ---------------------------------------------------------

def test_percent_leaves_out_criteria_awaiting_an_instructor():
    rows = [row("l1_split", PASSED), row("l1_model", FAILED), row("l2_design_writeup", AWAITING)]
    assert percent(rows) == 50.0
    assert percent([row("l2_design_writeup", AWAITING)]) is None


def test_graded_manual_criterion_counts_with_its_points():
    rows = [row("l1_split", PASSED), row("l2_design_writeup", FAILED, 1.0, comment="ok")]
    assert percent(rows) == 75.0


def test_skill_profile_renormalises_over_assessed_categories():
    rows = [row("l1_split", PASSED), row("l1_model", FAILED),  # technical 50 %
            row("l1_serialization", PASSED)]  # production 100 %
    profile = skill_profile(rows)
    cats = {c.key: c for c in profile.categories}
    assert [c.key for c in profile.categories] == ["technical", "production", "leadership", "innovation"]
    assert cats["technical"].percent == 50.0 and cats["production"].percent == 100.0
    assert cats["leadership"].percent is None and cats["innovation"].percent is None
    assert profile.overall == round((0.4 * 50 + 0.3 * 100) / 0.7, 1)
    assert skill_profile([]).overall is None


# --- placement ------------------------------------------------------------------------------

@pytest.mark.parametrize(("percents", "stage"), [
    ({}, NOT_YET),
    ({"level1": 69.9}, NOT_YET),
    ({"level1": 70.0}, "Junior-ready"),
    ({"level1": 84.9, "level2": 99.0}, "Junior-ready"),
    ({"level1": 85.0, "level2": 70.0}, "Mid-ready"),
    ({"level1": 90.0, "level2": 85.0, "level3": 69.0}, "Mid-ready"),
    ({"level1": 90.0, "level2": 85.0, "level3": 70.0}, "Senior-ready"),
])
def test_placement_rule_of_the_spec(percents, stage):
    assert place(percents).stage == stage


def test_placement_says_what_is_missing_for_the_next_stage():
    p = place({"level1": 72.0, "level2": None})
    assert p.next_stage == "Mid-ready"
    assert p.missing == ("level1: 72 %, needs 85 %", "level2: not graded yet (needs 70 %)")
    top = place({"level1": 100.0, "level2": 100.0, "level3": 100.0})
    assert top.next_stage is None and top.missing == ()


# --- history ---------------------------------------------------------------------------------

def test_history_adds_one_entry_per_distinct_grading_and_stays_sorted(tmp_path):
    path = tmp_path / "history.json"
    first = learner("ada", [row("l1_split", FAILED)], graded_at="2026-01-02T10:00:00")
    assert len(history.update(path, first)) == 1
    assert len(history.update(path, first)) == 1  # the same grading twice adds nothing
    regraded = learner("ada", [row("l1_split", PASSED, 1.0)], graded_at="2026-01-02T10:00:00")
    assert [e["percent"] for e in history.update(path, regraded)] == [50.0]
    history.update(path, first)
    second = learner("ada", [row("l1_split", PASSED)], graded_at="2026-01-03T09:00:00")
    entries = history.update(path, second)
    assert [e["percent"] for e in entries] == [0.0, 100.0]
    older = learner("ada", [row("l1_split", PASSED)], graded_at="2026-01-01T00:00:00")
    assert [e["graded_at"][:10] for e in history.update(path, older)] == [
        "2026-01-01", "2026-01-02", "2026-01-03"]
    data = json.loads(path.read_text())
    assert data["learner"] == "ada" and data["version"] == history.VERSION


def test_unreadable_history_starts_over(tmp_path):
    path = tmp_path / "history.json"
    path.write_text("{not json")
    assert history.load(path) == []
    assert history.load(tmp_path / "missing.json") == []


# --- charts ----------------------------------------------------------------------------------

def test_charts_have_text_alternatives_escape_labels_and_are_deterministic():
    bars = [charts.Bar("<b>tech</b>", 50.0, "weight 40 %"), charts.Bar("none", None)]
    svg = charts.bar_chart(bars, chart_id="c1", title="T & T", desc="a <desc>")
    assert svg == charts.bar_chart(bars, chart_id="c1", title="T & T", desc="a <desc>")
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">T &amp; T</title>' in svg
    assert "&lt;b&gt;tech&lt;/b&gt;" in svg and "<b>" not in svg
    assert "not assessed yet" in svg
    assert "http" not in svg
    line = charts.line_chart({"level1": [50.0, None, 90.0]}, chart_id="h", title="History",
                             desc="d", x_labels=["a", "b", "c"])
    assert line.count("<circle") == 2 and "<polyline" in line
    cols = charts.column_chart([("0–49 %", 2), ("50–69 %", 0)], chart_id="d", title="Dist", desc="d")
    assert cols.count("<rect") == 2 and "<title" in cols


# --- cohort aggregates -----------------------------------------------------------------------

def cohort() -> list[Learner]:
    return [
        learner("ada", [row("l1_split", PASSED), row("l1_metrics", PASSED), row("l1_tuning", PASSED)]),
        learner("ben", [row("l1_split", PASSED), row("l1_metrics", FAILED), row("l1_tuning", FAILED)]),
        learner("cy", [row("l1_split", FAILED), row("l1_metrics", FAILED), row("l1_tuning", PASSED)],
                group="g2"),
    ]


def test_pass_rates_hardest_first():
    rates = pass_rates(cohort())
    assert [r.id for r in rates] == ["l1_metrics", "l1_split", "l1_tuning"]
    assert rates[0].failed_by == ("ben", "cy") and rates[0].rate == pytest.approx(33.3)


def test_distribution_bands_follow_placement_thresholds():
    assert distribution(cohort(), "level1") == [("0–49 %", 2), ("50–69 %", 0), ("70–84 %", 0),
                                                ("85–100 %", 1)]


def test_sessions_cover_most_failed_criteria_in_the_seed_order():
    got = sessions(cohort(), top=2)
    steps = [s.step.id for s in got]
    order = [s.id for s in criteria.LEARNING_PATH]
    assert steps == sorted(steps, key=order.index)
    covered = {r.id for s in got for r in s.criteria}
    assert "l1_metrics" in covered


def test_needs_help_names_low_scores():
    helped = {h.learner: h.reasons for h in needs_help(cohort())}
    assert "ben" in helped and "ada" not in helped


def test_group_file_is_a_safe_name():
    assert group_file("tuesday") == "tuesday.html"
    assert group_file("../evil group") == "evil-group.html"
    assert group_file("///") == "group.html"


# --- rendering -------------------------------------------------------------------------------

def test_learner_report_escapes_names_and_is_deterministic(tmp_path):
    person = learner("ada", [row("l1_split", FAILED), row("l2_design_writeup", AWAITING)],
                     name="<script>alert(1)</script>")
    entries = history.entries_for(person)
    html = render_learner(person, entries, tmp_path)
    assert html == render_learner(person, entries, tmp_path)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert re.search(r"<script\b", html) is None and "http://" not in html and "https://" not in html
    assert criteria.get("l1_split").hint in html.replace("&#39;", "'")
    assert "awaiting instructor" in html
    data = learner_data(person, entries)
    assert [s["id"] for s in data["learning_path"]] == ["jm-foundation"]
    assert data["levels"]["level2"]["manual_pending"] == 1


def test_cohort_and_group_render():
    people = cohort()
    html = render_cohort(people, ["g1", "g2"])
    assert 'href="groups/g1.html"' in html and "Learners who need help" in html
    group = render_group("g1", [p for p in people if p.group == "g1"])
    assert "Sessions to hold next" in group and "cy" not in re.sub(r"<[^>]+>", "", group)


def test_plain_title_drops_the_seed_marks():
    assert plain_title("❌ No security considerations / ❌ No performance optimization") == \
        "No security considerations / No performance optimization"


# --- export and offline ----------------------------------------------------------------------

def test_export_has_nbgrader_columns_then_one_per_criterion():
    people = cohort()
    base = [{k: "" for k in NBGRADER_COLUMNS} | {"assignment": "level1", "student_id": p.id}
            for p in people]
    text = to_csv(base, people)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0][:len(NBGRADER_COLUMNS)]) == NBGRADER_COLUMNS
    assert rows[0][len(NBGRADER_COLUMNS)] == AWAITING_COLUMN
    assert rows[0][len(NBGRADER_COLUMNS) + 1:] == criterion_columns(people)
    header = rows[0]
    ben = dict(zip(header, rows[2], strict=True))
    assert ben["l1_split"] == "2" and ben["l1_metrics"] == "0" and ben["l2_rollback"] == ""


def test_export_totals_are_the_reports_totals_and_written_answers_awaiting_count_in_neither():
    person = learner("ada", [row("l1_split", PASSED), row("l1_metrics", FAILED),
                             row("l1_review_portfolio", AWAITING, 0.0, manual=True)])
    base = [{k: "" for k in NBGRADER_COLUMNS} | {
        "assignment": "level1", "student_id": "ada", "raw_score": "2", "score": "2",
        "max_score": "6", "late_submission_penalty": "0"}]
    [got] = list(csv.DictReader(io.StringIO(to_csv(base, [person]))))
    lvl = person.levels["level1"]
    assert (float(got["score"]), float(got["max_score"])) == (lvl.score, lvl.max_score) == (2.0, 4.0)
    assert got[AWAITING_COLUMN] == "2" and got["l1_review_portfolio"] == ""
    assert round(100 * float(got["score"]) / float(got["max_score"]), 1) == lvl.percent
    late = Learner("ada", "Ada", "g1", {"level1": LevelResult("level1", lvl.graded_at, lvl.notebooks,
                                                              penalty=1.0)})
    [got] = list(csv.DictReader(io.StringIO(to_csv(base, [late]))))
    assert (got["raw_score"], got["late_submission_penalty"], got["score"]) == ("2", "1", "1")
    assert float(got["score"]) == late.levels["level1"].score


def test_offline_html_loads_nothing_from_the_network():
    page = """<html><head>
<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX"></script>
<script type="text/x-mathjax-config">MathJax.Hub.Config({});</script>
<link rel="stylesheet" href="https://fonts.example.com/css">
<style>/* see https://getbootstrap.com */ @import url("https://x.example/a.css"); body{background:url(https://x.example/b.png)}</style>
</head><body><img src="http://tracker.example/p.gif"><a href="https://docs.python.org">docs</a>
<script>var local = 1;</script></body></html>"""
    out = make_offline(page)
    assert make_offline(out) == out
    assert "cdnjs" not in out and "mathjax-config" not in out and "fonts.example" not in out
    assert "getbootstrap" not in out and "x.example" not in out and "tracker.example" not in out
    assert '<a href="https://docs.python.org">' in out and "var local = 1;" in out


def test_offline_html_is_read_by_a_parser_and_keeps_every_other_byte():
    page = """<!DOCTYPE html><html><head><LINK REL=stylesheet HREF=//x.example/c.css>
<link rel="icon" href="favicon.ico"><script src=local.js></script>
<SCRIPT SRC='https://a.example/b.js' defer>var ignored = "</p>";</SCRIPT >
<style>.a{background-image:url( 'https://u.example/i.png' )} /* https://c.example */</style>
</head><body><img srcset="small.png 1x, https://s.example/a.png 2x" alt="x &amp; y">
<svg><image href="https://i.example/a.svg"/><a href="https://docs.python.org">d</a></svg>
<div style="background: url(https://inline.example/bg.png)">text https://plain.example/ stays</div>
<pre>url(https://learner.example/printed) &lt;img src="https://e.example/"&gt;</pre>
<video poster="https://v.example/p.jpg" src="movie.mp4"></video>
<!-- <script src="https://commented.example/x.js"></script> --></body></html>"""
    out = make_offline(page)
    assert make_offline(out) == out
    for gone in ("x.example", "a.example", "u.example", "c.example", "s.example", "i.example",
                 "inline.example", "v.example"):
        assert gone not in out, gone
    assert '<link rel="icon" href="favicon.ico"><script src=local.js></script>' in out
    assert '<img srcset="" alt="x &amp; y">' in out and '<image href=""/>' in out
    assert '<a href="https://docs.python.org">' in out and 'src="movie.mp4"' in out
    assert "text https://plain.example/ stays" in out  # text is not a load
    assert '<pre>url(https://learner.example/printed) &lt;img src="https://e.example/"&gt;</pre>' in out
    assert "commented.example" in out  # a comment loads nothing
    assert out.startswith("<!DOCTYPE html><html><head>\n<link")


def test_flags_errors_and_instructor_comments_reach_the_learner(tmp_path):
    person = learner("ada", [row("l1_split", PASSED),
                             row("l2_design_writeup", FAILED, 1.0, comment="Name the <threats>.")])
    lvl = person.levels["level1"]
    person.levels["level1"] = LevelResult(
        "level1", lvl.graded_at, lvl.notebooks,
        flags=({"criterion": "l1_split", "notebook": "01-ml-fundamentals",
                "message": "a test cell was edited"},),
        errors=(("02-data-pipeline", "the kernel died"),))
    page = render_learner(person, [], tmp_path)
    assert "a test cell was edited" in page and "the kernel died" in page
    assert "Name the &lt;threats&gt;." in page
    data = learner_data(person, [])
    assert data["levels"]["level1"]["errors"] == {"02-data-pipeline": "the kernel died"}
    assert data["levels"]["level2"]["criteria"][0]["comment"] == "Name the <threats>."
