"""Showing self-check results and hints: HTML in Jupyter, plain text anywhere else.

The HTML comes from the Jinja macros of templates/view.html.j2 (autoescaped: every criterion id,
title, message and hint is text).
"""

from __future__ import annotations

import functools
import html
import sys
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import shell
from .runner import FAILED, NOT_WRITTEN, PASSED, CheckResult

_STYLE = {  # status: (mark, border colour, background)
    PASSED: ("✅", "#2e7d32", "#edf7ed"),
    FAILED: ("❌", "#c62828", "#fdecea"),
    NOT_WRITTEN: ("✍️", "#8d6e00", "#fff8e1"),
}
_OTHER = ("⚠️", "#616161", "#f5f5f5")


@dataclass(frozen=True)
class HintView:
    """One hint as shown: which criterion, which level of how many, and its text."""

    criterion: str
    title: str
    level: int
    levels: int
    text: str

    @property
    def is_last(self) -> bool:
        return self.level >= self.levels


def result_text(result: CheckResult) -> str:
    mark = _STYLE.get(result.status, _OTHER)[0]
    if result.status == PASSED:
        return f"{mark} {result.message}"
    tail = f"\n   hint({result.criterion!r}) gives a hint." if result.status == FAILED else ""
    return f"{mark} {result.criterion}: {result.message}{tail}"


def _escape_as_before(value: Any) -> Any:
    """Text escaped by html.escape (quotes as &#x27; and &quot;, as these views always wrote them),
    marked safe so that autoescape leaves it; anything else goes to autoescape unchanged."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(html.escape(value))
    return value


@functools.cache
def _macros() -> Any:
    """The macros of templates/view.html.j2 (autoescaped), loaded once."""
    env = Environment(loader=PackageLoader("course.selfcheck", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      finalize=_escape_as_before)
    return env.get_template("view.html.j2").module


def result_html(result: CheckResult) -> str:
    mark, colour, background = _STYLE.get(result.status, _OTHER)
    if result.status == PASSED:
        return str(_macros().passed(mark, colour, background, result.criterion, result.title))
    return str(_macros().not_passed(mark, colour, background, result.criterion, result.title,
                                    result.message, result.status == FAILED))


def hint_text(h: HintView) -> str:
    more = ("(that was the last hint: compare with the reference in source/ if you cloned the "
            "course)" if h.is_last else f"(call hint({h.criterion!r}) again for a more specific one)")
    return f"💡 Hint {h.level} of {h.levels} for {h.criterion} ({h.title}): {h.text}\n   {more}"


def hint_html(h: HintView) -> str:
    return str(_macros().hint(h))


def skipped_text(criterion_id: str) -> str:
    return f"self-check of {criterion_id} skipped: grading runs the hidden tests instead"


def skipped_html(criterion_id: str) -> str:
    return str(_macros().skipped(criterion_id))


def unknown_text(criterion_id: str, ids: str) -> str:
    return f"⚠️ there is no criterion {criterion_id!r}; the ids are: {ids}"


def unknown_html(criterion_id: str) -> str:
    return str(_macros().unknown(criterion_id))


def show(text: str, html_text: str) -> None:
    """Display HTML (with a text fallback) in a Jupyter kernel, print the text elsewhere."""
    if shell.in_kernel():
        from IPython.display import display

        display({"text/html": html_text, "text/plain": text}, raw=True)
    else:
        sys.stdout.write(text + "\n")
