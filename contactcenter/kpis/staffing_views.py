"""The staffing page (/supervisor/staffing/): a queue's history or entered figures, the
service-level target, and the agents Erlang C says each interval needs."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from contactcenter.kpis import staffing
from contactcenter.kpis.staffing import BadFigures
from contactcenter.roles import supervisor_required
from routing.models import Queue


@supervisor_required
def staffing_page(request: HttpRequest) -> HttpResponse:
    queues = list(Queue.objects.order_by("name"))
    context = {"section": "staffing", "queues": queues, "intervals": staffing.INTERVALS}
    try:
        form = _form(request.GET, queues)
        demand, source = _demand(form)
    except BadFigures as error:
        context |= {"error": str(error), "form": dict(request.GET.items())}
        return render(request, "supervisor/staffing.html", context, status=400)
    plans = staffing.plan(
        demand,
        interval_minutes=form["interval"],
        sl_threshold_seconds=form["threshold"],
        sl_target=form["target"] / 100,
        max_occupancy=form["max_occupancy"] / 100,
    )
    context |= {
        "form": form,
        "plans": plans,
        "source": source,
        "peak": max((p.agents for p in plans), default=0),
        "chart": {
            "labels": [f"{p.demand.start:%H:%M}" for p in plans],
            "agents": [p.agents for p in plans],
            "contacts": [round(p.demand.contacts, 2) for p in plans],
        },
    }
    return render(request, "supervisor/staffing.html", context)


def _demand(form: dict) -> tuple[list[staffing.Demand], str]:
    if form["figures"].strip():
        return staffing.parse_entered(form["figures"], form["interval"]), "entered figures"
    queue = form["queue"]
    if queue is None:
        return [], ""
    demand = staffing.history(queue.pk, form["from"], form["to"], form["interval"])
    return demand, f"{queue.name}: the mean day of {form['from']} to {form['to']}"


def _form(params, queues: list[Queue]) -> dict:
    """The page's inputs, with the chosen queue's SL settings as defaults."""
    queue = None
    if params.get("queue"):
        queue = next((q for q in queues if str(q.pk) == params["queue"]), None)
        if queue is None:
            raise BadFigures("no such queue")
    first, last = staffing.default_history_range(timezone.localdate())
    try:
        first = date.fromisoformat(params["from"]) if params.get("from") else first
        last = date.fromisoformat(params["to"]) if params.get("to") else last
    except ValueError:
        raise BadFigures("dates are YYYY-MM-DD") from None
    if first > last or (last - first).days > 366:
        raise BadFigures("the history range runs forward and covers at most a year")
    return {
        "queue": queue,
        "from": first,
        "to": last,
        "interval": _number(params, "interval", 60, choices=staffing.INTERVALS),
        "target": _number(params, "target", queue.sl_target_percent if queue else 80, 1, 99.9),
        "threshold": _number(params, "threshold", queue.sl_threshold_seconds if queue else 20, 1),
        "max_occupancy": _number(params, "max_occupancy", 100, 1, 100),
        "figures": params.get("figures", ""),
    }


def _number(params, name: str, default, low=None, high=None, choices=None):
    raw = params.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadFigures(f"{name} must be a number") from None
    if choices is not None:
        if value not in choices:
            raise BadFigures(f"{name} is one of {', '.join(map(str, choices))}")
        return int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise BadFigures(f"{name} must be between {low} and {high or 'any'}")
    return value
