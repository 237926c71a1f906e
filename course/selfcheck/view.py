"""Showing self-check results and hints: HTML in Jupyter, plain text anywhere else."""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass

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


def _box(mark: str, colour: str, background: str, head: str, body: str) -> str:
    return (f'<div class="course-selfcheck" style="border-left:4px solid {colour};'
            f'background:{background};padding:6px 10px;margin:4px 0;font-family:sans-serif;'
            f'color:#1b1b1b;">{mark} {head}{body}</div>')


def result_html(result: CheckResult) -> str:
    mark, colour, background = _STYLE.get(result.status, _OTHER)
    crit = html.escape(result.criterion)
    title = f' <span style="color:#555">({html.escape(result.title)})</span>' if result.title else ""
    if result.status == PASSED:
        head = (f"<b>visible checks passed</b> for <code>{crit}</code>{title} — the hidden tests "
                "run when you grade (<code>course check</code>)")
        return _box(mark, colour, background, head, "")
    body = f'<div style="margin-top:4px">{html.escape(result.message)}</div>'
    if result.status == FAILED:
        body += (f'<div style="margin-top:4px;color:#555">Stuck? <code>hint({crit!r})</code> '
                 "gives a hint, more specific each time.</div>").replace("&#x27;", "'")
    return _box(mark, colour, background, f"<b><code>{crit}</code></b>{title}", body)


def hint_text(h: HintView) -> str:
    more = ("(that was the last hint: compare with the reference in source/ if you cloned the "
            "course)" if h.is_last else f"(call hint({h.criterion!r}) again for a more specific one)")
    return f"💡 Hint {h.level} of {h.levels} for {h.criterion} ({h.title}): {h.text}\n   {more}"


def hint_html(h: HintView) -> str:
    more = ("That was the last hint; if you cloned the course, the reference is in "
            "<code>source/</code>." if h.is_last else
            f"Call <code>hint('{html.escape(h.criterion)}')</code> again for a more specific one.")
    head = (f"<b>Hint {h.level} of {h.levels}</b> for <code>{html.escape(h.criterion)}</code> "
            f'<span style="color:#555">({html.escape(h.title)})</span>')
    body = (f'<div style="margin-top:4px">{html.escape(h.text)}</div>'
            f'<div style="margin-top:4px;color:#555">{more}</div>')
    return _box("💡", "#1565c0", "#e8f1fb", head, body)


def _in_kernel() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except Exception:  # noqa: BLE001 -- any doubt: plain text
        return False
    return ip is not None and getattr(ip, "kernel", None) is not None


def show(text: str, html_text: str) -> None:
    """Display HTML (with a text fallback) in a Jupyter kernel, print the text elsewhere."""
    if _in_kernel():
        from IPython.display import display

        display({"text/html": html_text, "text/plain": text}, raw=True)
    else:
        sys.stdout.write(text + "\n")
