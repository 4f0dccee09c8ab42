"""Small charts drawn as inline SVG on the server: no script, no request anywhere.

``bar_chart`` draws counts per label (articles per month), ``line_chart`` values over time (an
article's view counter). Labels and values are escaped; the SVG is safe to embed in a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 900, 240
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 56, 40, 16


def _frame(title: str, body: list[str], top: float) -> str:
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    axis = [
        f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{MARGIN_LEFT}" '
        f'y2="{HEIGHT - MARGIN_BOTTOM}" stroke="#555"/>',
        f'<line x1="{MARGIN_LEFT}" y1="{HEIGHT - MARGIN_BOTTOM}" x2="{WIDTH}" '
        f'y2="{HEIGHT - MARGIN_BOTTOM}" stroke="#555"/>',
        f'<text x="{MARGIN_LEFT - 6}" y="{MARGIN_TOP + 4}" text-anchor="end" '
        f'font-size="11">{escape(_short(top))}</text>',
        f'<text x="{MARGIN_LEFT - 6}" y="{MARGIN_TOP + plot_height}" text-anchor="end" '
        'font-size="11">0</text>',
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="archive-chart" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
        f"<title>{escape(title)}</title>" + "".join(axis + body) + "</svg>"
    )


def _short(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _label_step(count: int, room: int = 24) -> int:
    """Label every n-th bar so that at most ``room`` labels are written."""
    return max(1, -(-count // room))


def bar_chart(points: Sequence[tuple[str, int]], title: str) -> str:
    """Bars for ``(label, count)`` pairs, in the order given."""
    if not points:
        return ""
    top = max(count for _, count in points) or 1
    plot_width = WIDTH - MARGIN_LEFT - 8
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_width / len(points)
    step = _label_step(len(points))
    body: list[str] = []
    for i, (label, count) in enumerate(points):
        height = plot_height * count / top
        x = MARGIN_LEFT + 2 + i * slot
        y = MARGIN_TOP + plot_height - height
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(slot - 2, 1):.1f}" '
            f'height="{height:.1f}" fill="#276890"><title>{escape(label)}: {count}</title></rect>'
        )
        if i % step == 0:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" '
                f'text-anchor="middle" font-size="11">{escape(label)}</text>'
            )
    return _frame(title, body, top)


def line_chart(points: Sequence[tuple[str, int]], title: str) -> str:
    """A line through ``(label, value)`` pairs, in the order given, with a dot on each."""
    if not points:
        return ""
    top = max(value for _, value in points) or 1
    plot_width = WIDTH - MARGIN_LEFT - 24
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_width / max(len(points) - 1, 1)
    step = _label_step(len(points), room=8)
    coords = [
        (MARGIN_LEFT + 12 + i * slot, MARGIN_TOP + plot_height - plot_height * value / top)
        for i, (_, value) in enumerate(points)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    body = [
        f'<polyline class="line" points="{path}" fill="none" stroke="#276890" stroke-width="2"/>'
    ]
    for i, ((label, value), (x, y)) in enumerate(zip(points, coords, strict=True)):
        body.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#276890">'
            f"<title>{escape(label)}: {value}</title></circle>"
        )
        if i % step == 0:
            body.append(
                f'<text x="{x:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" text-anchor="middle" '
                f'font-size="11">{escape(label)}</text>'
            )
    return _frame(title, body, top)
