"""The review notebooks (99-review): manually graded questions from release to feedback.

The release hides each question's model answer and rubric; `course grade` leaves the questions
waiting for an instructor in nbgrader's gradebook (what formgrader lists); scores and comments
an instructor enters through nbgrader's API reach the learner's feedback; and the mark scheme
reaches feedback only with `--model-answers`. One level is graded, in a course copy holding only
level1's review notebook, with one learner who answered every question.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import pytest

from course import criteria
from course.gradebook import open_gradebook
from course.nbgrader_app import nbgrader_api
from course.notebooks import BEGIN_MARK_SCHEME, END_MARK_SCHEME, nbgrader_meta, read_notebook

from .conftest import ROOT, make_course, run_course

REVIEWS = sorted((ROOT / "source").glob("level*/99-review.ipynb"))
LEVEL, NOTEBOOK, LEARNER = "level1", "99-review", "ada"
#: Points and comments the "instructor" enters, per question (in notebook order).
MANUAL = [(4.0, "Good evidence; say who decides when the teammate disagrees."),
          (3.5, "Respectful, but bring a measurement of the slowdown."),
          (5.0, "Exactly the right order: contain, communicate, fix."),
          (2.5, "The learning plan needs outputs others can see.")]


def task_cells(nb) -> list:
    return [c for c in nb.cells if nbgrader_meta(c).get("task")]


def mark_scheme_lines(cell) -> list[str]:
    """The distinctive lines of a task cell's mark scheme (model answer and rubric)."""
    inside, lines = False, []
    for line in cell.source.split("\n"):
        if BEGIN_MARK_SCHEME in line:
            inside = True
        elif END_MARK_SCHEME in line:
            inside = False
        elif inside and len(line.strip()) >= 30:
            lines.append(line.strip())
    return lines


def visible_text(path: Path) -> str:
    """What a reader of an HTML page sees: no tags, no styles, entities decoded, spaces collapsed."""
    raw = re.sub(r"<style.*?</style>", " ", path.read_text(errors="replace"), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return re.sub(r"\s+", " ", text)


def words(line: str) -> str:
    """A mark-scheme line as rendered text: markdown marks dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"[`*]", "", line)).strip(" -")


def answered(release_nb) -> nbformat.NotebookNode:
    """The release notebook with an answer written in the markdown cell below every question."""
    nb = nbformat.from_dict(json.loads(nbformat.writes(release_nb)))
    for i, cell in enumerate(nb.cells):
        if nbgrader_meta(cell).get("task"):
            gid = nbgrader_meta(cell)["grade_id"]
            below = nb.cells[i + 1]
            assert below.cell_type == "markdown" and not nbgrader_meta(below), (
                f"{gid}: the cell below a question must be a plain markdown answer cell")
            below.source = f"My answer to {gid}: first I would measure, then decide (answer-{gid})."
    return nb


@pytest.fixture(scope="module")
def review_course(tmp_path_factory) -> dict:
    """level1 reduced to its review notebook, one learner submitted and autograded.

    Returns the course folder and what nbgrader said right after grading, before any
    instructor touched the gradebook.
    """
    course = make_course(tmp_path_factory.mktemp("review-course"))
    for folder in ("source", "release"):
        for path in (course / folder / LEVEL).glob("*.ipynb"):
            if path.stem != NOTEBOOK:
                path.unlink()
    work = tmp_path_factory.mktemp("review-work") / LEVEL
    work.mkdir()
    release_nb = read_notebook(course / "release" / LEVEL / f"{NOTEBOOK}.ipynb")
    nbformat.write(answered(release_nb), work / f"{NOTEBOOK}.ipynb")
    run_course(course, "submit", LEVEL, "--learner", LEARNER, "--from", str(work))
    run_course(course, "grade", LEVEL, "--learner", LEARNER)

    with open_gradebook(course) as gb:
        nb_sub = gb.find_submission_notebook(NOTEBOOK, LEVEL, LEARNER)
        grades = {g.name: (g.needs_manual_grade, g.cell.__class__.__name__, g.max_score)
                  for g in nb_sub.grades}
        notebook_pending = nb_sub.needs_manual_grade
    listing = nbgrader_api(course).get_notebook_submissions(LEVEL, NOTEBOOK)
    run_course(course, "feedback", LEVEL, "--learner", LEARNER)
    before = json.loads((course / "feedback" / LEARNER / "report.json").read_text())
    return {"course": course, "grades": grades, "notebook_pending": notebook_pending,
            "listing": listing, "report_before": before}


# --- (a) the release -----------------------------------------------------------------------------

def test_every_level_has_a_review_notebook():
    assert [p.parent.name for p in REVIEWS] == ["level1", "level2", "level3"]


@pytest.mark.parametrize("path", REVIEWS, ids=lambda p: p.parent.name)
def test_questions_are_manual_task_cells_with_a_mark_scheme(path):
    nb = read_notebook(path)
    tasks = task_cells(nb)
    assert tasks, f"{path} has no question"
    level = path.parent.name
    assert [nbgrader_meta(c)["grade_id"] for c in tasks] == [
        c.id for c in criteria.criteria_for(notebook=f"{level}/{NOTEBOOK}")]
    for cell in tasks:
        meta = nbgrader_meta(cell)
        gid = meta["grade_id"]
        assert re.fullmatch(rf"l{level[-1]}_review_[a-z_]+", gid)
        assert cell.cell_type == "markdown" and meta["locked"] and not meta["grade"]
        assert 5 <= meta["points"] <= 10, f"{gid}: {meta['points']} points"
        assert criteria.get(gid).manual
        assert cell.source.count(BEGIN_MARK_SCHEME) == cell.source.count(END_MARK_SCHEME) == 1
        scheme = cell.source.split(BEGIN_MARK_SCHEME)[1]
        assert "Model answer" in scheme and f"Rubric ({meta['points']} points)" in scheme
        # The rubric's elements add up to the question's points.
        parts = re.findall(r"^- \*\*[^*]+\((\d+(?:\.\d+)?) points?\)\.\*\*", scheme, flags=re.M)
        assert parts and sum(map(float, parts)) == meta["points"], f"{gid}: rubric gives {parts}"
    categories = {criteria.get(nbgrader_meta(c)["grade_id"]).category for c in tasks}
    assert categories == ({"leadership", "innovation"} if level == "level1"
                          else {"technical", "leadership", "innovation"})


@pytest.mark.parametrize("path", REVIEWS, ids=lambda p: p.parent.name)
def test_release_hides_model_answers_and_rubrics(path):
    released_path = ROOT / "release" / path.parent.name / path.name
    released = released_path.read_text()
    assert "MARK SCHEME" not in released
    for cell in task_cells(read_notebook(path)):
        gid = nbgrader_meta(cell)["grade_id"]
        lines = mark_scheme_lines(cell)
        assert lines, f"{gid} has an empty mark scheme"
        leaked = [line for line in lines if line in released]
        assert not leaked, f"{gid}: mark scheme lines in the release: {leaked[:2]}"
        question = cell.source.split(BEGIN_MARK_SCHEME)[0].strip().split("\n")[-1]
        assert question in released, f"{gid}: the question itself must stay in the release"


# --- (b) after `course grade`: waiting for an instructor ----------------------------------------

def test_questions_wait_for_manual_grading(review_course):
    ids = [c.id for c in criteria.criteria_for(notebook=f"{LEVEL}/{NOTEBOOK}")]
    assert set(review_course["grades"]) == set(ids)
    for gid, (pending, cell_class, max_score) in review_course["grades"].items():
        assert pending, f"{gid} is not marked as needing manual grading"
        assert cell_class == "TaskCell" and max_score > 0
    assert review_course["notebook_pending"]
    # Formgrader's own listing (NbGraderAPI) shows the submission as needing manual grading.
    listing = review_course["listing"]
    assert [s["student"] for s in listing] == [LEARNER]
    assert listing[0]["needs_manual_grade"]
    # The learner's report counts them as pending, with no points yet.
    level = review_course["report_before"]["levels"][LEVEL]
    assert level["manual_pending"] == len(ids)
    assert {c["id"] for c in level["criteria"] if c["manual"] and c["needs_manual_grade"]} == set(ids)


def test_formgrader_sees_the_rubric_and_the_answer(review_course):
    """Formgrader renders autograded/<learner>/: the mark scheme is back, with the learner's answers."""
    graded = read_notebook(review_course["course"] / "autograded" / LEARNER / LEVEL / f"{NOTEBOOK}.ipynb")
    source = read_notebook(ROOT / "source" / LEVEL / f"{NOTEBOOK}.ipynb")
    for graded_cell, source_cell in zip(task_cells(graded), task_cells(source), strict=True):
        assert BEGIN_MARK_SCHEME in graded_cell.source
        assert mark_scheme_lines(graded_cell) == mark_scheme_lines(source_cell)
    text = "\n".join(c.source for c in graded.cells)
    for gid in review_course["grades"]:
        assert f"(answer-{gid})" in text


# --- (c) manual scores and comments reach the learner -------------------------------------------

def enter_manual_grades(course: Path) -> dict[str, tuple[float, str]]:
    """What formgrader does when an instructor types a score and a comment (its GradeHandler and
    CommentHandler), through nbgrader's gradebook API."""
    ids = [c.id for c in criteria.criteria_for(notebook=f"{LEVEL}/{NOTEBOOK}")]
    entered = dict(zip(ids, MANUAL, strict=True))
    with open_gradebook(course) as gb:
        for gid, (score, comment) in entered.items():
            grade = gb.find_grade(gid, NOTEBOOK, LEVEL, LEARNER)
            grade.manual_score = score
            grade.needs_manual_grade = False
            gb.find_comment(gid, NOTEBOOK, LEVEL, LEARNER).manual_comment = comment
        gb.db.commit()
    return entered


def test_manual_scores_and_comments_reach_the_feedback(review_course):
    course = review_course["course"]
    entered = enter_manual_grades(course)
    with open_gradebook(course) as gb:
        assert not gb.find_submission_notebook(NOTEBOOK, LEVEL, LEARNER).needs_manual_grade

    run_course(course, "feedback", LEVEL, "--learner", LEARNER)
    page = visible_text(course / "feedback" / LEARNER / LEVEL / f"{NOTEBOOK}.html")
    total = sum(score for score, _ in entered.values())
    assert f"Score: {total} / 20.0" in page, "the notebook's total does not count the manual scores"
    for gid, (score, comment) in entered.items():
        assert f"Score: {score} / 5.0" in page, f"{gid}: score {score} not shown"
        assert comment in page, f"{gid}: the instructor's comment is not shown"
        assert f"(answer-{gid})" in page, f"{gid}: the learner's own answer is not shown"

    report = json.loads((course / "feedback" / LEARNER / "report.json").read_text())
    level = report["levels"][LEVEL]
    got = {c["id"]: c for c in level["criteria"]}
    assert level["manual_pending"] == 0
    for gid, (score, _) in entered.items():
        c = got[gid]
        assert c["manual"] and not c["needs_manual_grade"]
        assert (c["score"], c["max_score"]) == (score, 5.0)
        assert c["category"] == criteria.get(gid).category and c["title"] == criteria.get(gid).title


# --- (d) mark schemes reach feedback only when asked for ----------------------------------------

def test_mark_scheme_reaches_feedback_only_with_model_answers(review_course):
    course = review_course["course"]
    page_path = course / "feedback" / LEARNER / LEVEL / f"{NOTEBOOK}.html"
    schemes = [[words(line) for line in mark_scheme_lines(cell)]
               for cell in task_cells(read_notebook(ROOT / "source" / LEVEL / f"{NOTEBOOK}.ipynb"))]

    run_course(course, "feedback", LEVEL, "--learner", LEARNER)
    page = visible_text(page_path)
    report = (course / "feedback" / LEARNER / "report.json").read_text()
    for lines in schemes:
        leaked = [line for line in lines if line in page or line in report]
        assert not leaked, f"mark scheme in the feedback without --model-answers: {leaked[:2]}"
    assert "Model answer (one of many good ones)" not in page

    run_course(course, "feedback", LEVEL, "--learner", LEARNER, "--model-answers")
    page = visible_text(page_path)
    for lines in schemes:
        shown = [line for line in lines if line in page]
        assert len(shown) >= len(lines) // 2, "--model-answers should show the model answer and rubric"
    assert "Model answer (one of many good ones)" in page

    run_course(course, "feedback", LEVEL, "--learner", LEARNER)
    assert "Model answer (one of many good ones)" not in visible_text(page_path)


def test_level1_rubrics_score_the_same_for_two_instructors():
    """Binary elements (one point each, earned or not), a word limit the grader applies, and a
    sample answer at about half marks, scored element by element, in every level1 question."""
    for cell in task_cells(read_notebook(ROOT / "source" / LEVEL / f"{NOTEBOOK}.ipynb")):
        gid = nbgrader_meta(cell)["grade_id"]
        scheme = cell.source.split(BEGIN_MARK_SCHEME)[1].split(END_MARK_SCHEME)[0]
        parts = re.findall(r"^- \*\*[^*]+\((\d+(?:\.\d+)?) points?\)\.\*\*", scheme, flags=re.M)
        assert parts and set(parts) == {"1"}, f"{gid}: elements worth {parts}, not one point each"
        assert "No half points" in scheme, f"{gid}: say that an element is earned or not"
        assert re.search(r"first \*\*\d+ words\*\*", scheme), f"{gid}: no word limit for the grader"
        sample = scheme.split("A sample answer at about half marks")
        assert len(sample) == 2, f"{gid}: no calibration sample"
        scored = re.search(r"Scored (\d+) / (\d+):", sample[1])
        assert scored and int(scored[2]) == nbgrader_meta(cell)["points"], f"{gid}: sample not scored"
        assert 0.3 <= int(scored[1]) / int(scored[2]) <= 0.6, f"{gid}: sample far from half marks"
        marks = re.findall(r"\*\*([01])\*\*", sample[1])
        assert len(marks) == len(parts) and sum(map(int, marks)) == int(scored[1]), (
            f"{gid}: the sample's score should be given element by element")


@pytest.mark.parametrize("path", REVIEWS, ids=lambda p: p.parent.name)
def test_rubric_lines_add_up_to_their_element(path):
    """Where an element is scored by lines ("  - 0.5: ..."), met or not, its lines add up to it."""
    for cell in task_cells(read_notebook(path)):
        scheme = cell.source.split(BEGIN_MARK_SCHEME)[1]
        element, points, lines = None, 0.0, []
        for line in scheme.split("\n") + ["- **end (0 points).**"]:
            head = re.match(r"^- \*\*([^*]+)\((\d+(?:\.\d+)?) points?\)\.\*\*", line)
            if head or not line.startswith("  "):
                if element and lines:
                    assert sum(lines) == points, f"{element}: lines give {lines}, not {points}"
                element, points, lines = (head.group(1), float(head.group(2)), []) if head else (
                    None, 0.0, [])
                continue
            item = re.match(r"^  - (\d+(?:\.\d+)?): ", line)
            if element and item:
                lines.append(float(item.group(1)))


#: Review notebooks whose rubrics are lines met or not (issue 14); others join as they adopt them.
LINED_REVIEWS = [p for p in REVIEWS if p.parent.name == "level2"]


@pytest.mark.parametrize("path", LINED_REVIEWS, ids=lambda p: p.parent.name)
def test_rubrics_two_graders_score_alike(path):
    """Every element is scored by half-point lines, every question has a length rule and a sample
    answer at about half marks whose line-by-line score is given."""
    for cell in task_cells(read_notebook(path)):
        gid, points = nbgrader_meta(cell)["grade_id"], nbgrader_meta(cell)["points"]
        scheme = cell.source.split(BEGIN_MARK_SCHEME)[1]
        elements = re.findall(r"^- \*\*[^*]+\(\d+(?:\.\d+)?\s+points?\)\.\*\*\n((?:  .*\n)+)",
                              scheme, flags=re.M)
        assert elements and all(re.search(r"^  - 0\.5: ", e, flags=re.M) for e in elements), (
            f"{gid}: every rubric element should be scored by '  - 0.5: ...' lines")
        assert re.search(r"\*\*Length\.\*\* .*Read the first [\d ]+ words", scheme), (
            f"{gid}: no length rule")
        sample = re.search(r"sample answer at about half marks \((\d+(?:\.\d+)?) of (\d+)\)", scheme)
        assert sample and float(sample.group(2)) == points, f"{gid}: no calibration sample"
        assert 0.4 * points <= float(sample.group(1)) <= 0.6 * points, f"{gid}: sample not near half"
        assert re.search(rf"Total {sample.group(1).rstrip('0').rstrip('.')}\.", scheme), (
            f"{gid}: the sample's line-by-line score should end with its total")


def test_level3_rubrics_score_the_same_for_two_instructors():
    """Yes-or-no items of half a point, a word limit the grader applies, and a sample answer at
    about half marks scored item by item, in every level3 question."""
    for cell in task_cells(read_notebook(ROOT / "source" / "level3" / f"{NOTEBOOK}.ipynb")):
        gid = nbgrader_meta(cell)["grade_id"]
        points = nbgrader_meta(cell)["points"]
        scheme = cell.source.split(BEGIN_MARK_SCHEME)[1].split(END_MARK_SCHEME)[0]
        items = re.findall(r"^- \*\*([A-Z]\d) \((\d+(?:\.\d+)?) points?\)\.\*\*", scheme, flags=re.M)
        assert items and {p for _, p in items} == {"0.5"}, f"{gid}: items worth {items}"
        assert len({name for name, _ in items}) == len(items), f"{gid}: item names repeat"
        assert "yes or no" in scheme, f"{gid}: say that an item is earned or not"
        assert re.search(r"read up to [\d ]+ words", scheme), f"{gid}: no word limit for the grader"
        sample = scheme.split("A sample answer worth about half marks")
        assert len(sample) == 2, f"{gid}: no calibration sample"
        rows = re.findall(r"^\| ([A-Z]\d) \| (0|0\.5) \|", sample[1], flags=re.M)
        assert [name for name, _ in rows] == [name for name, _ in items], (
            f"{gid}: the sample should be scored item by item, in the rubric's order")
        total = re.search(r"^\| \*\*total\*\* \| \*\*(\d+(?:\.\d+)?)\*\* \|", sample[1], flags=re.M)
        assert total and float(total[1]) == sum(float(mark) for _, mark in rows), f"{gid}: total"
        assert 0.4 <= float(total[1]) / points <= 0.6, f"{gid}: sample far from half marks"
