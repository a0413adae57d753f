"""Supervisor report pages and their CSV export (/supervisor/reports/)."""

import csv

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from contactcenter.kpis import reports
from contactcenter.roles import supervisor_required
from routing.models import Queue, channel_choices


@supervisor_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("kpis:report", kind="interval")


@supervisor_required
def report(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        built = reports.build(kind, request.GET)
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
            "kinds": reports.KINDS,
            "grains": reports.GRAINS,
            "queues": Queue.objects.order_by("name").values_list("pk", "name"),
            "channels": channel_choices(),
            "chart": reports.chart(built),
            "query": request.GET.urlencode(),
        },
    )


def _csv(report: reports.Report) -> HttpResponse:
    """Raw figures: counts, seconds, and rates as fractions (0.8 = 80 %)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{report.kind}-{report.first}-{report.last}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([report.group_label] + [_csv_header(c) for c in report.columns])
    for row in [*report.rows, *([report.total] if report.total else [])]:
        writer.writerow([row.label] + [_csv_value(v) for v in report.cells(row)])
    return response


def _csv_header(column: reports.Column) -> str:
    unit = {"seconds": " (s)", "hours": " (h)", "percent": " (ratio)"}.get(column.kind, "")
    return column.label + unit


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)
