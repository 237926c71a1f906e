"""Make nbgrader's feedback HTML work offline: nothing in it may load from another host.

nbgrader's template loads MathJax from a CDN (and its config script is useless without it), and
its inline CSS cites URLs in comments. Learner markdown may embed remote images. Links a reader
clicks (<a href>) are kept: they load nothing by themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

_REMOTE = r"""(?:https?:)?//[^\s"'<>)]+"""
_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?" + _REMOTE + r"[^>]*>.*?</script\s*>",
                         re.S | re.I)
_MATHJAX_CONFIG = re.compile(r"<script\b[^>]*type\s*=\s*[\"']text/x-mathjax-config[\"'][^>]*>.*?"
                             r"</script\s*>", re.S | re.I)
_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?" + _REMOTE + r"[^>]*>", re.I)
_SRC_ATTR = re.compile(r"""\b(src|srcset|poster|data)\s*=\s*(["'])""" + _REMOTE + r"\2", re.I)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*[\"']?" + _REMOTE + r"[^;]*;", re.I)
_CSS_URL = re.compile(r"url\(\s*[\"']?" + _REMOTE + r"[\"']?\s*\)", re.I)
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.S | re.I)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>)*]+")


def make_offline(html: str) -> str:
    """The same page without anything that would load from outside file:// (idempotent)."""
    html = _SCRIPT_SRC.sub("", html)
    html = _MATHJAX_CONFIG.sub("", html)
    html = _LINK.sub("", html)
    html = _SRC_ATTR.sub(lambda m: f'{m.group(1)}=""', html)
    html = _CSS_IMPORT.sub("", html)
    html = _CSS_URL.sub("none", html)
    def clean_style(m: re.Match) -> str:
        css = _COMMENT.sub(lambda c: _URL_IN_TEXT.sub("(link removed)", c.group(0)), m.group(2))
        return m.group(1) + css + m.group(3)

    return _STYLE.sub(clean_style, html)


def make_offline_file(path: Path) -> bool:
    """Rewrite one HTML file in place; True when something was removed."""
    text = path.read_text(encoding="utf-8")
    cleaned = make_offline(text)
    if cleaned != text:
        path.write_text(cleaned, encoding="utf-8")
    return cleaned != text
