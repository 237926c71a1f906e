"""Inline SVG charts: accessible (role="img", <title>, <desc>), deterministic, no scripts.

Every chart also has a text table next to it in the templates; the SVG is for the eye. This module
computes the geometry; the markup is in templates/charts.svg.j2, one Jinja macro per chart kind.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .placement import MASTERED, REACHED, THRESHOLDS

PALETTE = ("#2563eb", "#d97706", "#059669", "#7c3aed", "#dc2626")
GRID = "#d1d5db"
TEXT = "#1f2937"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: nothing to show yet
    note: str = ""  # printed after the bar, e.g. "weight 40 %"


def _num(x: float) -> str:
    """Coordinates with at most one decimal, so output is stable across platforms."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


@functools.cache
def _macros() -> Any:
    """The chart macros of templates/charts.svg.j2 (autoescaped), loaded once."""
    env = Environment(loader=PackageLoader("course.reports", "templates"),
                      autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    env.globals.update(grid=GRID, text=TEXT)
    return env.get_template("charts.svg.j2").module


def bar_chart(bars: list[Bar], *, chart_id: str, title: str, desc: str,
              max_value: float = 100.0, unit: str = "%", one_color: bool = False) -> Markup:
    """Horizontal bars, one per row, on a 0..max_value scale."""
    label_w, bar_w, note_w, row_h = 210, 300, 210, 30
    width, height = label_w + bar_w + note_w, row_h * len(bars) + 24
    ticks = [{"x": label_w + bar_w * tick, "value": max_value * tick} for tick in (0, 0.5, 1.0)]
    rows = []
    for i, bar in enumerate(bars):
        row = {"y": 6 + i * row_h, "label": bar.label, "note": bar.note, "width": None,
               "color": None, "shown": "not assessed yet"}
        if bar.value is not None:
            frac = max(0.0, min(1.0, bar.value / max_value)) if max_value else 0.0
            row.update(width=bar_w * frac, color=PALETTE[0 if one_color else i % len(PALETTE)],
                       shown=f"{_num(bar.value)}{unit}")
        rows.append(row)
    return Markup(_macros().bar_chart({
        "chart_id": chart_id, "width": width, "height": height, "title": title, "desc": desc,
        "label_w": label_w, "bar_w": bar_w, "unit": unit, "ticks": ticks, "rows": rows}))


def line_chart(series: dict[str, list[float | None]], *, chart_id: str, title: str, desc: str,
               x_labels: list[str]) -> Markup:
    """Percent (0..100) per run, one line per series; runs are evenly spaced on the x axis."""
    left, right, top, bottom, plot_w, plot_h = 44, 120, 10, 40, 420, 180
    width, height = left + plot_w + right, top + plot_h + bottom
    n = max(1, len(x_labels))
    step = plot_w / max(1, n - 1) if n > 1 else 0
    x_of = (lambda i: left + i * step) if n > 1 else (lambda _i: left + plot_w / 2)
    guides = []
    for pct in (0, 25, 50, int(REACHED), int(MASTERED), 100):
        y = top + plot_h * (1 - pct / 100)
        guides.append({"pct": pct, "y": y, "dashed": pct in THRESHOLDS})
    lines = []
    for s, (name, values) in enumerate(series.items()):
        points = [(x_of(i), top + plot_h * (1 - v / 100)) for i, v in enumerate(values)
                  if v is not None]
        lines.append({"name": name, "color": PALETTE[s % len(PALETTE)], "points": points,
                      "legend_y": top + 14 + s * 18})
    return Markup(_macros().line_chart({
        "chart_id": chart_id, "width": width, "height": height, "title": title, "desc": desc,
        "left": left, "top": top, "plot_w": plot_w, "plot_h": plot_h, "guides": guides,
        "x_labels": [{"x": x_of(i), "label": label} for i, label in enumerate(x_labels)],
        "series": lines}))


def column_chart(columns: list[tuple[str, int]], *, chart_id: str, title: str, desc: str) -> Markup:
    """Vertical bars of counts (a score distribution), labelled underneath."""
    left, top, bottom, col_w, plot_h = 30, 16, 34, 72, 140
    width = left + col_w * max(1, len(columns)) + 10
    height = top + plot_h + bottom
    peak = max([count for _, count in columns] + [1])
    cols = [{"label": label, "count": count, "h": plot_h * count / peak, "x": left + i * col_w + 6}
            for i, (label, count) in enumerate(columns)]
    return Markup(_macros().column_chart({
        "chart_id": chart_id, "width": width, "height": height, "title": title, "desc": desc,
        "left": left, "base_y": top + plot_h, "col_w": col_w, "color": PALETTE[0],
        "columns": cols}))


def icon(color: str, path: str) -> Markup:
    """A 20 px status icon: a filled circle with a white stroke path on it (aria-hidden)."""
    return Markup(_macros().icon(color, path))
