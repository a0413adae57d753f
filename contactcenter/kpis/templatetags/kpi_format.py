"""Showing a figure: counts as numbers, rates as percentages, durations as m:ss."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def figure(value, kind: str) -> str:
    if value is None:
        return "\N{EN DASH}"
    if kind == "percent":
        return f"{value * 100:.1f} %"
    if kind == "seconds":
        return duration(value)
    if kind == "hours":
        return f"{value:.1f} h"
    if kind == "mean":
        return f"{value:.2f}"
    if kind == "money":  # in COST_CURRENCY, which the page's note names
        return f"{value:,.2f}" if value >= 0.01 or value == 0 else f"{value:.4f}"
    return f"{value:,}"


@register.filter
def duration(seconds: float | None) -> str:
    if seconds is None:
        return "\N{EN DASH}"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


@register.filter
def row_cells(report, row) -> str:
    """A report row's figures as table cells, escaped: one template node for the whole row,
    since a month by agent has thousands of cells."""
    values = zip(report.columns, report.cells(row), strict=True)
    return mark_safe("".join(f"<td>{escape(figure(v, c.kind))}</td>" for c, v in values))
