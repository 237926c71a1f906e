"""Make nbgrader's feedback HTML work offline: nothing in it may load from another host.

nbgrader's template loads MathJax from a CDN (and its config script is useless without it), and
its inline CSS cites URLs in comments. Learner markdown may embed remote images. Links a reader
clicks (<a href>) are kept: they load nothing by themselves.

The page is read with the standard library's HTML parser, which says where each tag, script and
style sheet starts and ends; only those spans are rewritten, every other byte is kept as it was:

- <script src=remote>…</script>, the MathJax config script and <link href=remote> are removed;
- src, srcset, poster, data and background attributes that load from another host are emptied
  (and href on SVG's <image>, <use> and <feImage>);
- in <style> sheets and style="" attributes, remote @import rules are removed, remote url(...)
  becomes `none`, and URLs in CSS comments become "(link removed)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

_REMOTE_URL = re.compile(r"\s*(?:https?:)?//", re.I)
#: Attributes that make the browser fetch their URL, on any element.
_LOADING_ATTRS = frozenset({"src", "srcset", "poster", "data", "background"})
#: Elements whose href is fetched (SVG), unlike a link's.
_FETCHED_HREF = frozenset({"image", "use", "feimage"})
#: Tags and attributes worth a look; any other tag is kept without one.
_SPECIAL = frozenset({"script", "link", "style"}) | _FETCHED_HREF
_WATCHED = _LOADING_ATTRS | {"style"}

_REMOTE = r"""(?:https?:)?//[^\s"'<>)]+"""
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*[\"']?" + _REMOTE + r"[^;]*;", re.I)
_CSS_URL = re.compile(r"url\(\s*[\"']?" + _REMOTE + r"[\"']?\s*\)", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>)*]+")


def is_remote(url: str | None, *, srcset: bool = False) -> bool:
    """Whether a URL (with `srcset`, any of its candidates) loads from another host."""
    if url is None:
        return False
    return any(_REMOTE_URL.match(part) for part in (url.split(",") if srcset else [url]))


def clean_css(css: str) -> str:
    """A style sheet (or style attribute) without remote imports, remote url()s or URLs in comments."""
    css = _CSS_IMPORT.sub("", css)
    css = _CSS_URL.sub("none", css)
    return _CSS_COMMENT.sub(lambda c: _URL_IN_TEXT.sub("(link removed)", c.group(0)), css)


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


def _attr(name: str, value: str | None) -> str:
    if value is None:
        return f" {name}"
    return ' {}="{}"'.format(name, value.replace("&", "&amp;").replace('"', "&quot;"))


class _Offline(HTMLParser):
    """Collects the spans of the page to remove or rewrite; the page itself is not rebuilt."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=False)
        self.page = page
        self.edits: list[_Edit] = []
        self._lines = [0] + [m.end() for m in re.finditer("\n", page)]
        self._dropping: int | None = None  # start of a <script> being removed
        self._style_start: int | None = None  # where the current <style>'s sheet begins

    def _here(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if tag not in _SPECIAL and not any(name in _WATCHED for name, _ in attrs):
            return  # most tags (a highlighted code cell has thousands of <span>s): nothing to do
        start = self._here()
        raw = self.get_starttag_text() or ""
        end = start + len(raw)
        values = dict(attrs)
        if tag == "script" and not closed and (
                is_remote(values.get("src"))
                or (values.get("type") or "").strip().lower() == "text/x-mathjax-config"):
            self._dropping = start
            return
        if tag == "link" and is_remote(values.get("href")):
            self.edits.append(_Edit(start, end, ""))
            return
        if tag == "style" and not closed:
            self._style_start = end
        fixed = []
        for name, value in attrs:
            if is_remote(value, srcset=name == "srcset") and (name in _LOADING_ATTRS or (
                    tag in _FETCHED_HREF and name in ("href", "xlink:href"))):
                value = ""
            elif name == "style" and value:
                value = clean_css(value)
            fixed.append((name, value))
        if fixed != attrs:
            tail = "/>" if raw.rstrip().endswith("/>") else ">"
            self.edits.append(_Edit(start, end, f"<{tag}{''.join(_attr(n, v) for n, v in fixed)}{tail}"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("script", "style"):
            return
        start = self._here()
        end = self.page.find(">", start) + 1 or len(self.page)
        if tag == "script" and self._dropping is not None:
            self.edits.append(_Edit(self._dropping, end, ""))
            self._dropping = None
        elif tag == "style" and self._style_start is not None:
            sheet = self.page[self._style_start:start]
            if clean_css(sheet) != sheet:
                self.edits.append(_Edit(self._style_start, start, clean_css(sheet)))
            self._style_start = None


def make_offline(html: str) -> str:
    """The same page without anything that would load from outside file:// (idempotent)."""
    parser = _Offline(html)
    parser.feed(html)
    parser.close()
    if parser._dropping is not None:  # a remote script never closed: it runs to the end
        parser.edits.append(_Edit(parser._dropping, len(html), ""))
    out, done = [], 0
    for edit in sorted(parser.edits, key=lambda e: e.start):
        if edit.start < done:  # inside a span already removed
            continue
        out += [html[done:edit.start], edit.text]
        done = edit.end
    return "".join(out) + html[done:]


def make_offline_file(path: Path) -> bool:
    """Rewrite one HTML file in place; True when something was removed."""
    text = path.read_text(encoding="utf-8")
    cleaned = make_offline(text)
    if cleaned != text:
        path.write_text(cleaned, encoding="utf-8")
    return cleaned != text
