"""Outbound reports (/supervisor/outbound/): attempts, connects, right-party contacts,
conversions and the abandon rate, per day, per campaign or per agent, with charts and CSV.
Figures are read from the attempts' projection (outbound.models.DialAttempt)."""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from contactcenter import clock
from contactcenter.roles import supervisor_required
from outbound.models import Campaign, DialAttempt

GROUPS = {"day": "Day", "campaign": "Campaign", "agent": "Agent"}
COLUMNS = ("attempts", "answered", "connects", "right_party", "conversions", "abandoned")
LONGEST_RANGE_DAYS = 366


@dataclass
class Row:
    label: str
    attempts: int = 0
    answered: int = 0  # by a person (AMD said human or could not tell)
    connects: int = 0
    right_party: int = 0
    conversions: int = 0
    abandoned: int = 0
    talk_seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def abandon_rate(self) -> float:
        return self.abandoned / self.answered if self.answered else 0.0

    @property
    def abandon_percent(self) -> str:
        return f"{100 * self.abandon_rate:.1f} %"

    @property
    def connect_rate(self) -> float:
        return self.connects / self.attempts if self.attempts else 0.0

    def cells(self) -> list:
        return [getattr(self, c) for c in COLUMNS] + [round(self.abandon_rate, 4)]


class BadRequest(ValueError):
    pass


def _day(raw: str | None, default: date) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{raw!r} is not a date (YYYY-MM-DD)") from None


def build(params) -> tuple[str, date, date, list[Row], Row]:
    group = params.get("by", "day")
    if group not in GROUPS:
        raise BadRequest(f"by must be one of {', '.join(GROUPS)}")
    today = timezone.localdate(clock.now())
    last = _day(params.get("to"), today)
    first = _day(params.get("from"), last - timedelta(days=6))
    if first > last or (last - first).days > LONGEST_RANGE_DAYS:
        raise BadRequest("from must not be after to, and the range at most a year")
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(last + timedelta(days=1), time.min, zone)
    attempts = DialAttempt.objects.filter(placed_at__gte=start, placed_at__lt=end)
    names = _labels(group)
    rows: dict[str, Row] = {}
    total = Row("Total")
    for a in attempts.order_by("placed_at"):
        key = _key(group, a)
        row = rows.get(key) or rows.setdefault(key, Row(names.get(key, key)))
        for target in (row, total):
            _count(target, a)
    ordered = [rows[k] for k in sorted(rows)]
    return group, first, last, ordered, total


def _key(group: str, a: DialAttempt) -> str:
    if group == "day":
        return timezone.localdate(a.placed_at).isoformat()
    if group == "campaign":
        return str(a.campaign_id)
    return a.agent or "—"


def _labels(group: str) -> dict[str, str]:
    if group == "campaign":
        return {str(pk): name for pk, name in Campaign.objects.values_list("pk", "name")}
    if group == "agent":
        users = get_user_model().objects.values_list("pk", "username")
        return {str(pk): name for pk, name in users} | {"—": "no agent (unanswered, abandoned)"}
    return {}


def _count(row: Row, a: DialAttempt) -> None:
    row.attempts += 1
    human = a.answered_at is not None and not a.answered_by.startswith(("machine", "fax"))
    row.answered += human
    row.connects += a.connected
    row.right_party += a.right_party
    row.conversions += a.converted
    row.abandoned += a.outcome == "abandoned"
    if a.connected and a.answered_at and a.ended_at:
        row.talk_seconds += (a.ended_at - a.answered_at).total_seconds()


def chart(rows: list[Row]) -> dict:
    """The shape supervisor/report-charts.js draws."""

    def series(label: str, values: list) -> dict:
        return {"label": label, "data": values}

    return {
        "type": "bar",
        "labels": [r.label for r in rows],
        "volumes": [
            series("Attempts", [r.attempts for r in rows]),
            series("Connects", [r.connects for r in rows]),
            series("Right-party contacts", [r.right_party for r in rows]),
            series("Conversions", [r.conversions for r in rows]),
        ],
        "rates": [
            series("Abandon rate", [round(100 * r.abandon_rate, 2) for r in rows]),
            series("Connect rate", [round(100 * r.connect_rate, 2) for r in rows]),
        ],
        "times": [
            series(
                "Average talk (s)",
                [round(r.talk_seconds / r.connects) if r.connects else 0 for r in rows],
            )
        ],
    }


@supervisor_required
def report(request: HttpRequest) -> HttpResponse:
    try:
        group, first, last, rows, total = build(request.GET)
    except BadRequest as error:
        return HttpResponseBadRequest(f"Bad report request: {error}", content_type="text/plain")
    return render(
        request,
        "supervisor/outbound/report.html",
        {
            "section": "outbound",
            "group": group,
            "groups": GROUPS,
            "first": first,
            "last": last,
            "rows": rows,
            "total": total,
            "chart": chart(rows),
            "query": request.GET.urlencode(),
        },
    )


@supervisor_required
def report_csv(request: HttpRequest) -> HttpResponse:
    try:
        group, first, last, rows, total = build(request.GET)
    except BadRequest as error:
        return HttpResponseBadRequest(f"Bad report request: {error}", content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="outbound-{group}-{first}-{last}.csv"'
    writer = csv.writer(response)
    writer.writerow([GROUPS[group], *COLUMNS, "abandon_rate (ratio)"])
    for row in [*rows, total]:
        writer.writerow([row.label, *row.cells()])
    return response
