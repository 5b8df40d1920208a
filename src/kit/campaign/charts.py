"""The « Suivi de la campagne » charts, drawn at build time as SVG (no library, nothing loaded from outside).

Each chart is made from the same rows as the table that follows it (its text
alternative): :class:`Chart` holds those rows, and both the drawing and the
table are made from them, so that their figures are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colours with a contrast of at least 3:1 against white (WCAG 1.4.11), told apart by a pattern too.
BLUE, RED, GREEN, GREY, ORANGE = "#000091", "#c9191e", "#18753c", "#666666", "#b34000"


@dataclass(frozen=True)
class Series:
    """One series of a bar chart: its label (legend, table column) and colour."""

    label: str
    colour: str
    pattern: bool = False  # hatched: told apart without colour


@dataclass(frozen=True)
class Chart:
    """A chart's title, description and rows (a label, then one value per series)."""

    id: str
    title: str
    description: str
    row_header: str
    series: tuple[Series, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    marker: int | None = None  # index of the row after which a vertical line is drawn (the deadline)
    marker_label: str = ""


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(chart: Chart, *, width: float = 720, height: float = 260, stacked: bool = False) -> Markup:
    """Grouped (or stacked) bars, one group per row; the axis gives the scale."""
    left, right, top, bottom = 40.0, 10.0, 16.0, 56.0
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values) if stacked else max(values, default=0) for _, values in chart.rows]
    peak = max([*totals, 1])
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        step = candidate
        if peak / candidate <= 5:
            break
    ceiling = step * -(-peak // step)
    scale = plot_h / ceiling
    n = max(len(chart.rows), 1)
    slot = plot_w / n
    parts: list[str] = []
    parts.append(f'<svg xmlns="http://www.w3.org/2000/svg" class="kit-suivi-chart__svg" viewBox="0 0 {_fmt(width)} '
                 f'{_fmt(height)}" role="img" aria-labelledby="{chart.id}-titre {chart.id}-desc">')
    parts.append(f'<title id="{chart.id}-titre">{escape(chart.title)}</title>')
    parts.append(f'<desc id="{chart.id}-desc">{escape(chart.description)}</desc>')
    parts.append(f'<defs><pattern id="{chart.id}-hachures" patternUnits="userSpaceOnUse" width="5" height="5" '
                 'patternTransform="rotate(45)"><rect width="5" height="5" fill="#ffffff"/>'
                 f'<rect width="2.4" height="5" fill="{RED}"/></pattern></defs>')
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - tick * scale
        parts.append(f'<line x1="{_fmt(left)}" x2="{_fmt(width - right)}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
                     f'stroke="#dddddd" stroke-width="1"/>')
        parts.append(f'<text x="{_fmt(left - 4)}" y="{_fmt(y + 4)}" text-anchor="end" font-size="11" '
                     f'fill="#3a3a3a">{tick}</text>')
    label_every = max(1, -(-n // 14))
    for index, (label, values) in enumerate(chart.rows):
        x0 = left + index * slot
        bars = [(s, v) for s, v in zip(chart.series, values, strict=True)]
        if stacked:
            y = top + plot_h
            for series, value in bars:
                if value:
                    h = value * scale
                    y -= h
                    fill = f"url(#{chart.id}-hachures)" if series.pattern else series.colour
                    parts.append(f'<rect x="{_fmt(x0 + slot * 0.15)}" y="{_fmt(y)}" width="{_fmt(slot * 0.7)}" '
                                 f'height="{_fmt(h)}" fill="{fill}" stroke="{series.colour}" stroke-width="0.8"/>')
        else:
            bar_w = slot * 0.8 / max(len(bars), 1)
            for k, (series, value) in enumerate(bars):
                if value:
                    h = value * scale
                    fill = f"url(#{chart.id}-hachures)" if series.pattern else series.colour
                    parts.append(f'<rect x="{_fmt(x0 + slot * 0.1 + k * bar_w)}" y="{_fmt(top + plot_h - h)}" '
                                 f'width="{_fmt(bar_w)}" height="{_fmt(h)}" fill="{fill}" stroke="{series.colour}" '
                                 'stroke-width="0.8"/>')
        if index % label_every == 0:
            lx, ly = x0 + slot / 2, top + plot_h + 12
            parts.append(f'<text x="{_fmt(lx)}" y="{_fmt(ly)}" font-size="10" fill="#3a3a3a" text-anchor="end" '
                         f'transform="rotate(-40 {_fmt(lx)} {_fmt(ly)})">{escape(label)}</text>')
    if chart.marker is not None:
        x = left + (chart.marker + 1) * slot
        parts.append(f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{_fmt(top - 6)}" y2="{_fmt(top + plot_h)}" '
                     f'stroke="{ORANGE}" stroke-width="2" stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{_fmt(x - 4)}" y="{_fmt(top + 4)}" text-anchor="end" font-size="11" '
                     f'fill="{ORANGE}">{escape(chart.marker_label)}</text>')
    parts.append(f'<line x1="{_fmt(left)}" x2="{_fmt(width - right)}" y1="{_fmt(top + plot_h)}" '
                 f'y2="{_fmt(top + plot_h)}" stroke="#3a3a3a" stroke-width="1"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series: Sequence[Series], chart_id: str) -> Markup:
    """The chart's legend: a swatch (colour and pattern) and the series' label."""
    items = []
    for s in series:
        fill = RED if s.pattern else s.colour
        swatch = (f'<svg width="24" height="14" viewBox="0 0 24 14" aria-hidden="true" focusable="false">'
                  f'<rect x="1" y="1" width="22" height="12" fill="{fill}" stroke="{s.colour}"/></svg>')
        if s.pattern:
            swatch = (f'<svg width="24" height="14" viewBox="0 0 24 14" aria-hidden="true" focusable="false"><defs>'
                      f'<pattern id="{chart_id}-l-hachures" patternUnits="userSpaceOnUse" width="5" height="5" '
                      'patternTransform="rotate(45)"><rect width="5" height="5" fill="#ffffff"/>'
                      f'<rect width="2.4" height="5" fill="{RED}"/></pattern></defs><rect x="1" y="1" width="22" '
                      f'height="12" fill="url(#{chart_id}-l-hachures)" stroke="{s.colour}"/></svg>')
        items.append(f"<li>{swatch} {escape(s.label)}</li>")
    return Markup('<ul class="kit-suivi-legend">' + "".join(items) + "</ul>")
