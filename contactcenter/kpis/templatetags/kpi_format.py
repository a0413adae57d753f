"""Showing a figure: counts as numbers, rates as percentages, durations as m:ss."""

from django import template

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
def cells(report, row) -> list:
    return list(zip(report.columns, report.cells(row), strict=True))
