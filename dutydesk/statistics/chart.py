"""The month-by-month trend as a line chart in SVG, drawn here on the server: it shows without
JavaScript, prints, and passes the Content-Security-Policy (no inline style, only SVG's own
attributes). Each line differs from the others by its marker and its dashes as well as its
colour, so that nothing depends on telling colours apart; the same figures are in a table
beside the chart, and the chart is one image to a screen reader, with a title and description.
"""

from dataclasses import dataclass
from math import ceil, log10

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: list[int]
    colour: str
    #: circle, square, triangle, diamond or cross
    marker: str
    #: SVG stroke-dasharray, or "" for a solid line.
    dashes: str = ""


#: GOV.UK colours with at least 3:1 contrast on white (WCAG 1.4.11), each line's marker and dashes.
STYLES = {
    "contacts": ("#505a5f", "square", "6 4"),
    "referred": ("#1d70b8", "circle", ""),
    "requiring": ("#4c2c92", "diamond", "2 3"),
    "provided": ("#00703c", "triangle", ""),
    "yet_to_be_met": ("#d4351c", "cross", "8 3 2 3"),
}


def nice_top(largest: int) -> tuple[int, int]:
    """The top of the y axis and the step between its gridlines: 1, 2 or 5 times a power of ten,
    four or five steps in all."""
    if largest <= 4:
        return 4, 1
    power = 10 ** int(log10(largest / 4))
    step = next(power * m for m in (1, 2, 5, 10) if power * m * 5 >= largest)
    return step * ceil(largest / step), step


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z" fill="{colour}"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y:.1f}L{x:.1f} {y + 5:.1f}L{x - 5:.1f} {y:.1f}Z" fill="{colour}"/>'
    if kind == "cross":
        return (f'<path d="M{x - 4:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 4:.1f}M{x + 4:.1f} {y - 4:.1f}L{x - 4:.1f} {y + 4:.1f}" '
                f'stroke="{colour}" stroke-width="2.5"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def legend_swatch(series: Series) -> Markup:
    """A small picture of the series' line and marker, for the legend beside the chart."""
    dash = f' stroke-dasharray="{series.dashes}"' if series.dashes else ""
    return Markup(f'<svg class="dd-chart__swatch" width="36" height="12" viewBox="0 0 36 12" aria-hidden="true" '
                  f'focusable="false"><line x1="0" y1="6" x2="36" y2="6" stroke="{series.colour}" stroke-width="2.5"'
                  f'{dash}/>{_marker(series.marker, 18, 6, series.colour)}</svg>')


def line_chart(chart_id: str, title: str, description: str, labels: list[str], series: list[Series]) -> Markup:
    """An accessible SVG line chart of the series over the labelled months."""
    top, step = nice_top(max((v for s in series for v in s.values), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(labels)

    def x(i: int) -> float:
        return LEFT + (plot_width * (i + 0.5) / count if count else 0)

    def y(value: int) -> float:
        return TOP + plot_height * (1 - value / top)

    parts = [f'<svg class="dd-chart__svg" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" focusable="false" '
             f'preserveAspectRatio="xMidYMid meet" font-family="system-ui, sans-serif" font-size="13">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
             f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
             f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>']
    for tick in range(0, top + 1, step):
        parts.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
                     f'stroke="{"#0b0c0c" if tick == 0 else "#b1b4b6"}" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="#0b0c0c">{tick:,}</text>')
    every = max(1, ceil(count / 12))
    for i, label in enumerate(labels):
        if i % every == 0 or i == count - 1 and count <= 12:
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" '
                         f'fill="#0b0c0c">{escape(label)}</text>')
    for line in series:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line.values))
        dash = f' stroke-dasharray="{line.dashes}"' if line.dashes else ""
        parts.append(f'<g data-series="{escape(line.key)}">')
        if len(line.values) > 1:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{line.colour}" stroke-width="2.5"{dash}/>')
        parts.extend(_marker(line.marker, x(i), y(v), line.colour) for i, v in enumerate(line.values))
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
