"""Supervisor report pages and their CSV export (/supervisor/reports/). A team lead reads the
per-agent report of their teams' agents only, and the count by label of their work."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from contactcenter.access import supervised_agents, supervising_required
from contactcenter.kpis import by_label, dispositions, figures, reports
from contactcenter.kpis import settings as kpi_settings
from routing.models import Queue, channel_choices


@supervising_required
def index(request: HttpRequest) -> HttpResponse:
    team = supervised_agents(request.user)
    return redirect("kpis:report", kind="interval" if team is None else "agent")


TABS = (*reports.KINDS, "disposition")


@supervising_required
def report(request: HttpRequest, kind: str) -> HttpResponse:
    team = supervised_agents(request.user)
    if team is not None and kind != "agent":
        raise PermissionDenied("a team lead reads the agent report, of their teams")
    if kind == "disposition":
        return disposition_mix(request)
    try:
        built = reports.build(kind, request.GET, agents=team)
    except reports.BadRequest as error:
        return HttpResponseBadRequest(f"Bad report request: {error}", content_type="text/plain")
    if request.GET.get("format") == "csv":
        return _csv(built)
    return render(
        request,
        "supervisor/reports/report.html",
        {
            "section": "reports",
            "report": built,
            "kinds": TABS if team is None else ("agent",),
            "grains": reports.GRAINS,
            "queues": Queue.objects.order_by("name").values_list("pk", "name"),
            "channels": channel_choices(),
            "chart": reports.chart(built),
            "by_label": by_label.counts(*figures.day_range(built.first, built.last), team=team),
            "query": request.GET.urlencode(),
            "currency": kpi_settings.currency(),
        },
    )


def disposition_mix(request: HttpRequest) -> HttpResponse:
    """How the range's conversations were wrapped up, per queue or channel (`by`)."""
    try:
        first, last = reports.parse_range(request.GET)
        mix = dispositions.mix(*figures.day_range(first, last), by=request.GET.get("by") or "queue")
    except (reports.BadRequest, dispositions.BadGrouping) as error:
        return HttpResponseBadRequest(f"Bad report request: {error}", content_type="text/plain")
    if request.GET.get("format") == "csv":
        response = _attachment(f"disposition-{mix.by}-{first}-{last}.csv")
        writer = csv.writer(response)
        writer.writerow([mix.group_label, "Disposition", "Conversations", "Share (ratio)"])
        for line in [*mix.lines, *mix.totals]:
            share = _csv_value(line.share)
            writer.writerow([line.group, line.disposition, line.conversations, share])
        return response
    return render(
        request,
        "supervisor/reports/dispositions.html",
        {
            "section": "reports",
            "mix": mix,
            "first": first,
            "last": last,
            "kinds": TABS,
            "groupings": dispositions.GROUPS,
            "chart": mix.chart(),
            "query": request.GET.urlencode(),
        },
    )


def _attachment(name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv(report: reports.Report) -> HttpResponse:
    """Raw figures: counts, seconds, and rates as fractions (0.8 = 80 %)."""
    response = _attachment(f"{report.kind}-{report.first}-{report.last}.csv")
    writer = csv.writer(response)
    writer.writerow([report.group_label] + [_csv_header(c) for c in report.columns])
    for row in [*report.rows, *([report.total] if report.total else [])]:
        writer.writerow([row.label] + [_csv_value(v) for v in report.cells(row)])
    return response


def _csv_header(column: reports.Column) -> str:
    unit = {
        "seconds": " (s)",
        "hours": " (h)",
        "percent": " (ratio)",
        "money": f" ({kpi_settings.currency()})",
    }.get(column.kind, "")
    return column.label + unit


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)
