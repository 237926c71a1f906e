"""Learner HTML in feedback pages is sanitized by nh3 (course/preprocessors/learner_html.py),
checked on nbgrader's own feedback template without grading anything."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import nbgrader
import pandas as pd
from nbconvert import HTMLExporter
from nbformat import NotebookNode

from course.preprocessors import SanitizeLearnerHtml
from course.preprocessors.learner_html import (
    DROPPED_NOTICE,
    clean_html,
    clean_output,
    has_raw_html,
)
from course.reports.offline import make_offline

from .conftest import ROOT

EVIL = ('<script>alert(1)</script><img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">'
        'a</a><iframe src="page.html"></iframe><form action="/steal"><input name="p"></form>'
        '<div style="position:fixed;color:red">styled</div><b>kept</b>')


def test_clean_html_removes_scripts_handlers_frames_and_forms_and_keeps_formatting():
    out = clean_html(EVIL)
    for gone in ("<script", "alert", "onerror", "javascript:", "<iframe", "<form", "<input",
                 "position"):
        assert gone not in out, gone
    assert '<img src="x.png">' in out and "<b>kept</b>" in out
    assert '<div style="color:red">styled</div>' in out


def test_a_dataframe_stays_a_table():
    html = pd.DataFrame({"a": [1, 2], "b": ["<x>", "y"]})._repr_html_()
    out = clean_html(html)
    assert '<table border="1" class="dataframe">' in out and "<td>&lt;x&gt;</td>" in out
    assert "<style" not in out


def test_script_outputs_are_dropped_and_text_outputs_kept():
    js = NotebookNode(output_type="display_data", metadata={},
                      data={"application/javascript": "alert(1)"})
    assert clean_output(js).text == DROPPED_NOTICE
    both = NotebookNode(output_type="display_data", metadata={},
                        data={"application/javascript": "alert(1)", "text/plain": "x"})
    assert clean_output(both).data == {"text/plain": "x"}
    md = NotebookNode(output_type="display_data", metadata={},
                      data={"text/markdown": "**b** <script>alert(1)</script>"})
    assert clean_output(md).data == {"text/html": "<p><strong>b</strong> </p>\n"}
    stream = NotebookNode(output_type="stream", name="stdout", text="<script>x</script>")
    assert clean_output(stream) is stream


def test_raw_html_is_a_tag_outside_code():
    assert has_raw_html("see <b>this</b>") and has_raw_html("<!-- hidden -->")
    assert not has_raw_html("`a<b` and ```\n<b>\n``` and a < b")


def _page(nb: NotebookNode) -> str:
    """nbgrader's feedback template on `nb`, after the course's sanitizer, made offline."""
    base = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    exporter = HTMLExporter(template_name="feedback",
                            extra_template_basedirs=[str(base / "templates")],
                            extra_template_paths=[str(base / "static" / "node_modules" /
                                                      "bootstrap" / "dist" / "css")])
    exporter.register_preprocessor(SanitizeLearnerHtml(), enabled=True)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta and meta.get("grade"):
            meta.update(score=0.0, points=meta.get("points", 1), comment="")
    html, _ = exporter.from_notebook_node(nb, resources={"nbgrader": {
        "notebook": "n", "score": 0, "max_score": 1, "late_penalty": 0}})
    return make_offline(html)


def test_feedback_page_shows_learner_html_sanitized():
    nb = nbformat.read(ROOT / "source" / "level1" / "01-ml-fundamentals.ipynb", as_version=4)
    table = pd.DataFrame({"a": [1]})._repr_html_()
    nb.cells.append(nbformat.v4.new_code_cell("# learner-cell", execution_count=1, outputs=[
        nbformat.v4.new_output("display_data", {"text/html": EVIL + table}),
        nbformat.v4.new_output("display_data", {"application/javascript": "alert(4)"}),
    ]))
    answer = nbformat.v4.new_markdown_cell(
        "My answer: <script>alert(5)</script><b onclick='alert(6)'>bold</b>\n\n```\na\n\nb\n```")
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "ans",
                                   "locked": False, "schema_version": 3}
    plain = nbformat.v4.new_markdown_cell("Plain *answer* with `a<b`")
    plain.metadata["nbgrader"] = dict(answer.metadata["nbgrader"], grade_id="plain")
    nb.cells += [answer, plain]
    page = _page(nb)
    learner_part = page[page.index("learner-cell"):]
    assert not re.search(r"alert\([1-6]\)", learner_part), learner_part
    assert "onclick" not in learner_part and "javascript:" not in learner_part
    assert "<b>bold</b>" in learner_part and 'class="dataframe"' in learner_part
    assert '<div class="learner-html"><p>My answer: <b>bold</b></p>' in learner_part
    assert "<pre><code>a\n\nb\n</code></pre>" in learner_part  # a blank line in code stays
    assert "<p>Plain <em>answer</em> with <code>a&lt;b</code></p>" in learner_part
    assert 'learner-html"><p>Plain' not in learner_part  # no tag outside code: left to nbconvert
    assert DROPPED_NOTICE.strip() in learner_part
