"""The overview's charts, drawn on the server as SVG by pygal: nothing is fetched from another
site, and the page needs no script to show them.

pygal also writes a small inline script (its tooltips' settings); the page's security policy
would refuse it anyway, so it is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

import pygal
from markupsafe import Markup
from pygal.style import Style

from conversations.kit import MOROCCO

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# The dashboard's colours, and fonts that hold Arabic and Tifinagh where the system has them.
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2937",
    foreground_strong="#111827",
    foreground_subtle="#d1d5db",
    colors=("#0f766e", "#b45309", "#1d4ed8", "#9d174d", "#4d7c0f", "#6b21a8", "#475569"),
    font_family="'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Tifinagh', sans-serif",
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=12,
    tooltip_font_size=12,
)


def _svg(chart: pygal.graph.graph.Graph) -> Markup:
    rendered = chart.render(is_unicode=True)
    # Safe: pygal escapes the labels it is given, and what is removed is its own script.
    return Markup(_COMMENT.sub("", _SCRIPT.sub("", rendered)))  # noqa: S704


def _ticks(counts: Sequence[int]) -> list[int]:
    """Whole numbers on the value axis (counts have no tenths), about five of them."""
    top = max([*counts, 1])
    step = max(1, -(-top // 5))
    return list(range(0, top + step, step))


def _options(title: str, width: int, height: int) -> dict[str, object]:
    return {
        "js": [],
        "disable_xml_declaration": True,
        "style": STYLE,
        "title": title,
        "show_legend": False,
        "width": width,
        "height": height,
        "truncate_label": -1,
        "truncate_legend": -1,
        "print_values": True,
        "margin": 8,
        "explicit_size": False,
    }


def bars(title: str, labelled: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per label, its count written beside it."""
    counts = [count for _, count in labelled]
    options = _options(title, 420, 70 + 26 * max(len(labelled), 1))
    chart = pygal.HorizontalBar(**options, y_labels=_ticks(counts))
    chart.x_labels = [label for label, _ in labelled]
    chart.add(title, counts)
    return _svg(chart)


def weekly(title: str, weeks: Sequence[tuple[date, int]], label: str) -> Markup:
    """Reports filed per week, one bar each; every fourth week named by its Monday."""
    counts = [count for _, count in weeks]
    options = _options(title, 900, 260)
    options["print_values"] = False
    chart = pygal.Bar(
        **options, x_label_rotation=0, show_minor_x_labels=False, y_labels=_ticks(counts)
    )
    chart.x_labels = [monday.strftime("%d/%m") for monday, _ in weeks]
    chart.x_labels_major = chart.x_labels[::4]
    chart.add(label, counts)
    return _svg(chart)


def hourly(label: str, hours: Sequence[tuple[datetime, int]]) -> Markup:
    """A consultation's answer sets completed by the end of each hour someone completed one,
    as a line that climbs; its hours named in Moroccan time."""
    days = [(hour.astimezone(MOROCCO), count) for hour, count in hours]
    return _line(label, [f"{at:%d/%m %H}h" for at, _ in days], [n for _, n in days], None, label)


def curve(
    title: str, days: Sequence[tuple[date, int]], threshold: int | None, label: str
) -> Markup:
    """Signatures counted by the end of each day someone signed, as a line that climbs to the
    threshold, drawn as a second, flat line; supports, which have no threshold (None), climb
    alone."""
    named = [day.strftime("%d/%m") for day, _ in days]
    return _line(title, named, [count for _, count in days], threshold, label)


def _line(
    title: str, named: Sequence[str], counts: Sequence[int], threshold: int | None, label: str
) -> Markup:
    options = _options(title, 900, 280)
    options["print_values"] = False
    chart = pygal.Line(
        **options,
        x_label_rotation=0,
        show_minor_x_labels=False,
        y_labels=_ticks([*counts, threshold or 0]),
    )
    chart.x_labels = list(named)
    # About eight points named along the axis, however long it has run.
    chart.x_labels_major = chart.x_labels[:: max(1, len(named) // 8)]
    chart.add(label, list(counts))
    if threshold is not None:
        chart.add(
            str(threshold),
            [threshold] * len(counts),
            show_dots=False,
            stroke_style={"dasharray": "4"},
        )
    return _svg(chart)
