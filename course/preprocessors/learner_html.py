"""Feedback preprocessor: HTML that a learner's notebook produced is shown sanitized, by nh3.

nbconvert's feedback template shows a code cell's HTML and markdown outputs and a markdown cell's
raw HTML as they are, and runs JavaScript outputs: learner code could put scripts, forms or
frames into the page an instructor or the learner opens. Here:

- every code cell's text/html output is cleaned by nh3 (tables, text formatting, classes and a
  few harmless style properties stay: a DataFrame still reads as a table), and a text/markdown
  output is rendered to HTML and cleaned the same way;
- JavaScript and widget outputs are dropped (the page would run their code);
- a learner's written answer (a markdown solution cell) that holds raw HTML is rendered and
  cleaned; one without raw HTML is left to nbconvert as before.

Text outputs (stdout, tracebacks) are escaped by the template and stay as they are. Remote
images that survive (nh3 keeps http(s) URLs) are emptied afterwards by course.reports.offline. A
DataFrame loses only pandas' scoped <style> block (style sheets are not let through).
"""

from __future__ import annotations

import functools
import re

import nh3
from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.filters import markdown2html
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from ..notebooks import nbgrader_meta

#: Outputs a static page would run as code: dropped.
SCRIPT_MIMETYPES = ("application/javascript", "application/vnd.jupyter.widget-view+json")
DROPPED_NOTICE = "[an interactive output was removed: feedback pages run no scripts]\n"

_TAGS = nh3.ALLOWED_TAGS | {"div", "span", "pre", "code", "table", "thead", "tbody", "tfoot",
                            "tr", "th", "td", "caption", "colgroup", "col"}
_ATTRIBUTES = {**{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
               "*": {"class", "id", "title", "style"}, "table": {"border"}}
#: style="" properties kept: text and table formatting, nothing that moves or overlays content.
_STYLE_PROPERTIES = {"color", "background-color", "font-weight", "font-style", "font-family",
                     "font-size", "text-align", "vertical-align", "text-decoration",
                     "white-space", "padding", "margin", "border", "border-collapse", "width",
                     "min-width", "max-width"}
_RAW_HTML = re.compile(r"<[A-Za-z!/?]")
_CODE = re.compile(r"(`{3,}|~{3,}).*?\1|`[^`\n]+`", re.S)  # fenced blocks, inline code


def has_raw_html(markdown: str) -> bool:
    """Whether markdown holds a tag outside its code (where `<b>` is text)."""
    return bool(_RAW_HTML.search(_CODE.sub("", markdown)))


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None,
                       filter_style_properties=_STYLE_PROPERTIES)


def clean_html(html: str) -> str:
    """Learner HTML without scripts, event handlers, forms, frames, style sheets or unsafe URLs."""
    return _cleaner().clean(html)


def _as_text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def clean_output(output: NotebookNode) -> NotebookNode:
    """One code-cell output with its HTML cleaned and its scripts dropped (others unchanged)."""
    data = output.get("data")
    if output.get("output_type") not in ("display_data", "execute_result") or not data:
        return output
    for mimetype in SCRIPT_MIMETYPES:
        data.pop(mimetype, None)
    if "text/html" in data:
        data["text/html"] = clean_html(_as_text(data["text/html"]))
    elif "text/markdown" in data:
        data["text/html"] = clean_html(markdown2html(_as_text(data.pop("text/markdown"))))
    if not data:
        return NotebookNode(output_type="stream", name="stdout", text=DROPPED_NOTICE)
    return output


def clean_markdown(source: str) -> str:
    """A written answer with raw HTML, as sanitized HTML that nbconvert's markdown pass keeps.

    The HTML goes back as one <div> on one line (newlines written as &#10;, the same character
    to an HTML parser): markdown takes it as one HTML block, so a blank line in a code block
    cannot end it early.
    """
    html = clean_html(markdown2html(source)).strip()
    return '<div class="learner-html">' + html.replace("\n", "&#10;") + "</div>"


class SanitizeLearnerHtml(NbGraderPreprocessor):
    """Clean the HTML of every code cell's outputs and of written answers holding raw HTML."""

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, cell_index: int):
        if cell.cell_type == "code":
            cell.outputs = [clean_output(o) for o in cell.get("outputs", [])]
        elif (cell.cell_type == "markdown" and nbgrader_meta(cell).get("solution")
              and has_raw_html(cell.source)):
            cell.source = clean_markdown(cell.source)
        return cell, resources
