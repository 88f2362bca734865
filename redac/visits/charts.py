"""Bar charts as inline SVG, drawn on the server.

Why our own forty lines rather than a chart library: the dashboard needs one kind of chart (bars
over days or months), must work without JavaScript and inside the admin's CSP, and a library would
be a static bundle of a hundred kilobytes to keep up to date for that.
"""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

from redac.core.lib.text import visits_label

#: Font size of the chart's texts, and a generous estimate of a character's width in it (sans
#: serif digits and lower case are ~0.55 em): labels under the axis are spaced from it.
FONT_SIZE = 10
CHAR_WIDTH = 0.62 * FONT_SIZE
LABEL_GAP = 8


def axis_step(labels: list[str], slot: float) -> int:
    """Label one bar in ``step``, so that the widest label never reaches its neighbour's."""
    widest = max((len(text) for text in labels), default=0) * CHAR_WIDTH + LABEL_GAP
    return max(1, math.ceil(widest / slot))


def bar_chart(series, label, *, title: str, width: int = 720, height: int = 180,
              axis_label=None):  # fmt: skip
    """``series``: [(key, value)]; ``label(key)`` gives the text of a bar's tooltip, and
    ``axis_label(key)`` (by default the same) the shorter text under it.

    Accessible: the SVG has a title and ``role="img"``; each bar carries a ``<title>`` read as
    "3 novembre : 42 visites"; the same figures are in the table the templates put next to it.
    """
    count = max(len(series), 1)
    top = max([value for _, value in series] + [1])
    margin_bottom, margin_top = 22, 14
    plot = height - margin_bottom - margin_top
    slot = width / count
    bar = max(slot * 0.72, 1)
    parts = [
        f'<svg class="visits-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="0" y1="{height - margin_bottom}" x2="{width}" y2="{height - margin_bottom}" '
        f'stroke="#999" stroke-width="1"/>',
        f'<text x="2" y="10" font-size="10" fill="#555">{escape(visits_label(top))}</text>',
    ]
    axis_label = axis_label or label
    # Labels never overlap: the chart keeps its proportions (no stretched text) and labels only
    # every ``every`` bars, as far apart as the widest label needs.
    every = axis_step([axis_label(key) for key, _ in series], slot)
    for index, (key, value) in enumerate(series):
        bar_height = plot * value / top
        x = index * slot + (slot - bar) / 2
        y = height - margin_bottom - bar_height
        text = f"{label(key)} : {visits_label(value)}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{bar_height:.1f}" '
            f'fill="#2e6da4"><title>{escape(text)}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{index * slot + slot / 2:.1f}" y="{height - 6}" '
                f'font-size="{FONT_SIZE}" text-anchor="middle" fill="#555">'
                f"{escape(axis_label(key))}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)
