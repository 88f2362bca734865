"""Bar charts as inline SVG, drawn on the server.

Why our own forty lines rather than a chart library: the dashboard needs one kind of chart (bars
over days or months), must work without JavaScript and inside the admin's CSP, and a library would
be a static bundle of a hundred kilobytes to keep up to date for that.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

from redac.core.lib.text import visits_label


def bar_chart(series, label, *, title: str, width: int = 720, height: int = 180):
    """``series``: [(key, value)]; ``label(key)`` gives the text under a bar and in its tooltip.

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
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="none" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="0" y1="{height - margin_bottom}" x2="{width}" y2="{height - margin_bottom}" '
        f'stroke="#999" stroke-width="1"/>',
        f'<text x="2" y="10" font-size="10" fill="#555">{escape(visits_label(top))}</text>',
    ]
    every = max(1, round(count / 12))  # at most ~12 labels under the axis
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
                f'<text x="{index * slot + slot / 2:.1f}" y="{height - 6}" font-size="10" '
                f'text-anchor="middle" fill="#555">{escape(label(key))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)
