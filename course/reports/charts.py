"""Inline SVG charts: accessible (role="img", <title>, <desc>), deterministic, no scripts.

Every chart also has a text table next to it in the templates; the SVG is for the eye.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

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


def _frame(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    head = (f'<svg class="chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="100%" style="max-width: {width}px" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
            f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(bars: list[Bar], *, chart_id: str, title: str, desc: str,
              max_value: float = 100.0, unit: str = "%", one_color: bool = False) -> Markup:
    """Horizontal bars, one per row, on a 0..max_value scale."""
    label_w, bar_w, note_w, row_h = 210, 300, 210, 30
    width, height = label_w + bar_w + note_w, row_h * len(bars) + 24
    body = []
    for tick in (0, 0.5, 1.0):
        x = label_w + bar_w * tick
        body.append(f'<line x1="{_num(x)}" y1="4" x2="{_num(x)}" y2="{height - 18}" '
                    f'stroke="{GRID}" stroke-width="1"/>')
        body.append(f'<text x="{_num(x)}" y="{height - 4}" font-size="11" fill="{TEXT}" '
                    f'text-anchor="middle">{_num(max_value * tick)}{escape(unit)}</text>')
    for i, bar in enumerate(bars):
        y = 6 + i * row_h
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="13" fill="{TEXT}" '
                    f'text-anchor="end">{escape(bar.label)}</text>')
        if bar.value is None:
            shown = "not assessed yet"
        else:
            frac = max(0.0, min(1.0, bar.value / max_value)) if max_value else 0.0
            color = PALETTE[0 if one_color else i % len(PALETTE)]
            body.append(f'<rect x="{label_w}" y="{y}" width="{_num(bar_w * frac)}" height="20" '
                        f'rx="3" fill="{color}"/>')
            shown = f"{_num(bar.value)}{unit}"
        note = f" · {bar.note}" if bar.note else ""
        body.append(f'<text x="{label_w + bar_w + 6}" y="{y + 15}" font-size="12" fill="{TEXT}">'
                    f'{escape(shown + note)}</text>')
    return _frame(chart_id, width, height, title, desc, body)


def line_chart(series: dict[str, list[float | None]], *, chart_id: str, title: str, desc: str,
               x_labels: list[str]) -> Markup:
    """Percent (0..100) per run, one line per series; runs are evenly spaced on the x axis."""
    left, right, top, bottom, plot_w, plot_h = 44, 120, 10, 40, 420, 180
    width, height = left + plot_w + right, top + plot_h + bottom
    n = max(1, len(x_labels))
    step = plot_w / max(1, n - 1) if n > 1 else 0
    x_of = (lambda i: left + i * step) if n > 1 else (lambda _i: left + plot_w / 2)
    body = []
    for pct in (0, 25, 50, int(REACHED), int(MASTERED), 100):
        y = top + plot_h * (1 - pct / 100)
        dash = ' stroke-dasharray="4 3"' if pct in THRESHOLDS else ""
        body.append(f'<line x1="{left}" y1="{_num(y)}" x2="{left + plot_w}" y2="{_num(y)}" '
                    f'stroke="{GRID}" stroke-width="1"{dash}/>')
        body.append(f'<text x="{left - 6}" y="{_num(y + 4)}" font-size="11" fill="{TEXT}" '
                    f'text-anchor="end">{pct}%</text>')
    for i, label in enumerate(x_labels):
        body.append(f'<text x="{_num(x_of(i))}" y="{top + plot_h + 16}" font-size="10" '
                    f'fill="{TEXT}" text-anchor="middle">{escape(label)}</text>')
    for s, (name, values) in enumerate(series.items()):
        color = PALETTE[s % len(PALETTE)]
        points = [(x_of(i), top + plot_h * (1 - v / 100)) for i, v in enumerate(values)
                  if v is not None]
        if len(points) > 1:
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in points:
            body.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{color}"/>')
        ly = top + 14 + s * 18
        body.append(f'<rect x="{left + plot_w + 12}" y="{ly - 9}" width="10" height="10" '
                    f'fill="{color}"/>')
        body.append(f'<text x="{left + plot_w + 26}" y="{ly}" font-size="12" fill="{TEXT}">'
                    f'{escape(name)}</text>')
    return _frame(chart_id, width, height, title, desc, body)


def column_chart(columns: list[tuple[str, int]], *, chart_id: str, title: str, desc: str) -> Markup:
    """Vertical bars of counts (a score distribution), labelled underneath."""
    left, top, bottom, col_w, plot_h = 30, 16, 34, 72, 140
    width = left + col_w * max(1, len(columns)) + 10
    height = top + plot_h + bottom
    peak = max([count for _, count in columns] + [1])
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 6}" y2="{top + plot_h}" '
            f'stroke="{GRID}" stroke-width="1"/>']
    for i, (label, count) in enumerate(columns):
        h = plot_h * count / peak
        x = left + i * col_w + 6
        body.append(f'<rect x="{x}" y="{_num(top + plot_h - h)}" width="{col_w - 12}" '
                    f'height="{_num(h)}" fill="{PALETTE[0]}"/>')
        body.append(f'<text x="{_num(x + (col_w - 12) / 2)}" y="{_num(top + plot_h - h - 4)}" '
                    f'font-size="11" fill="{TEXT}" text-anchor="middle">{count}</text>')
        body.append(f'<text x="{_num(x + (col_w - 12) / 2)}" y="{top + plot_h + 14}" '
                    f'font-size="12" fill="{TEXT}" text-anchor="middle">{escape(label)}</text>')
    return _frame(chart_id, width, height, title, desc, body)
