"""Workforce-management pages: forecast and requirements, intraday, schedules (generate, edit,
publish), adherence; and the agent's My schedule. Every view checks the role first; bad input
is a 400 with the reason on the page."""

import math
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contactcenter import clock
from contactcenter.roles import agent_required, supervisor_required
from routing import erlang
from routing.models import AgentProfile, Queue
from wfm import adherence, erlang_a, forecasting, history, planning, rta, schedules
from wfm.models import Schedule, ScheduledShift
from wfm.requirements import BadTarget, Target
from wfm.schedule_domain import ScheduleError

INTERVALS = (15, 30)


class BadInput(ValueError):
    pass


def _number(params, name: str, default, low=None, high=None, *, integer=False):
    raw = (params.get(name) or "").strip()
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadInput(f"{name} must be a number") from None
    if not math.isfinite(value):
        raise BadInput(f"{name} must be a number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise BadInput(f"{name} must be between {low} and {high}")
    return int(value) if integer else value


def _day(params, name: str, default: date) -> date:
    raw = params.get(name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadInput(f"{name} is a date, YYYY-MM-DD") from None


def _queue(params, queues: list[Queue]) -> Queue | None:
    raw = params.get("queue")
    if not raw:
        return queues[0] if queues else None
    found = next((q for q in queues if str(q.pk) == raw), None)
    if found is None:
        raise BadInput("no such queue")
    return found


def _plan_form(params, queues: list[Queue], default_day: date) -> dict:
    queue = _queue(params, queues)
    interval = _number(params, "interval", 30, integer=True)
    if interval not in INTERVALS:
        raise BadInput("interval is 15 or 30 minutes")
    asa = _number(params, "asa", None, 1, 3600)
    sl = _number(params, "target", queue.sl_target_percent if queue else 80, 1, 99.9)
    threshold = _number(params, "threshold", queue.sl_threshold_seconds if queue else 20, 1, 3600)
    patience_mode = params.get("patience_mode", "history")
    if patience_mode not in ("history", "entered", "none"):
        raise BadInput("patience is from history, entered, or none")
    return {
        "queue": queue,
        "day": _day(params, "day", default_day),
        "interval": interval,
        "target": sl,
        "threshold": threshold,
        "asa": asa,
        "use": params.get("use", "sl"),
        "shrinkage": _number(params, "shrinkage", 30, 0, 90),
        "concurrency": _number(params, "concurrency", 1, 1, 20, integer=True),
        "patience_mode": patience_mode,
        "patience": _number(params, "patience", None, 1, 36000),
    }


def _target(form: dict) -> Target:
    if form["use"] == "asa":
        if form["asa"] is None:
            raise BadInput("enter the ASA target in seconds")
        return Target(
            sl_threshold_seconds=form["threshold"], sl_target=None, asa_seconds=form["asa"]
        )
    return Target(sl_threshold_seconds=form["threshold"], sl_target=form["target"] / 100)


def _plan(form: dict, days: int = 1) -> planning.Plan:
    patience = form["patience"] if form["patience_mode"] == "entered" else None
    if form["patience_mode"] == "entered" and patience is None:
        raise BadInput("enter the mean patience in seconds")
    return planning.plan_queue(
        form["queue"].pk,
        form["day"],
        days,
        form["interval"],
        _target(form),
        shrinkage=form["shrinkage"] / 100,
        concurrency=form["concurrency"],
        patience_seconds=patience,
        use_patience_history=form["patience_mode"] == "history",
    )


@supervisor_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    queues = list(Queue.objects.order_by("name"))
    tomorrow = timezone.localdate(clock.now()) + timedelta(days=1)
    context = {"section": "wfm", "queues": queues, "intervals": INTERVALS}
    try:
        form = _plan_form(request.GET, queues, tomorrow)
        plan = _plan(form) if form["queue"] else None
    except (BadInput, BadTarget) as error:
        context |= {"error": str(error), "form": dict(request.GET.items())}
        return render(request, "wfm/forecast.html", context, status=400)
    context |= {"form": form, "plan": plan}
    if plan:
        context["chart"] = {
            "labels": [f"{timezone.localtime(i.start):%H:%M}" for i in plan.intervals],
            "forecast": [round(i.forecast, 2) for i in plan.intervals],
            "baseline": [round(i.baseline, 2) for i in plan.intervals],
            "scheduled": plan.scheduled(),
        }
    return render(request, "wfm/forecast.html", context)


@supervisor_required
def intraday_page(request: HttpRequest) -> HttpResponse:
    """Today: forecast, actuals so far, the re-forecast from them, and what the scheduled
    staff (plus or minus the what-if agents) will give per remaining interval."""
    queues = list(Queue.objects.order_by("name"))
    now = clock.now()
    today = timezone.localdate(now)
    context = {"section": "wfm", "queues": queues, "intervals": INTERVALS}
    try:
        form = _plan_form(request.GET, queues, today)
        form["day"] = today
        form["extra_agents"] = _number(request.GET, "extra_agents", 0, -500, 500, integer=True)
        plan = _plan(form) if form["queue"] else None
    except (BadInput, BadTarget) as error:
        context |= {"error": str(error), "form": dict(request.GET.items())}
        return render(request, "wfm/intraday.html", context, status=400)
    context["form"] = form
    if plan is None:
        return render(request, "wfm/intraday.html", context)
    interval = form["interval"]
    actual = history.load(form["queue"].pk, today, today, interval).offered
    elapsed = max(
        0, (timezone.localtime(now) - history.local_midnight(today)).seconds // 60 // interval
    )
    planned = [i.forecast for i in plan.intervals]
    revised = forecasting.reforecast_today(planned, actual[:elapsed])
    staffed = staffed_per_interval(form["queue"].pk, today, interval)
    rows = []
    target = _target(form)
    for k, item in enumerate(plan.intervals):
        agents = max(0, staffed[k] + form["extra_agents"]) if k >= elapsed else staffed[k]
        contacts = revised[k]
        need = planning.requirement_for(
            contacts, item.aht_seconds, interval, target, plan.patience_seconds,
            form["shrinkage"] / 100, form["concurrency"],
        )  # fmt: skip
        rows.append(
            {
                "start": item.start,
                "past": k < elapsed,
                "forecast": planned[k],
                "actual": actual[k] if k < elapsed else None,
                "revised": contacts,
                "staffed": agents,
                "needed": need.agents,
                "predicted_sl": predicted_sl(
                    contacts * 60 / interval,
                    item.aht_seconds,
                    agents * form["concurrency"],
                    target.sl_threshold_seconds,
                    plan.patience_seconds,
                ),
            }
        )
    context |= {"plan": plan, "rows": rows, "elapsed": elapsed}
    return render(request, "wfm/intraday.html", context)


def predicted_sl(
    per_hour: float, aht: float, servers: int, threshold: float, patience: float | None
) -> float | None:
    """The service level these servers give this traffic (Erlang A with a patience)."""
    if per_hour <= 0 or aht <= 0:
        return None
    if servers <= 0:
        return 0.0
    if patience:
        return erlang_a.predict(
            agents=servers,
            arrivals_per_hour=per_hour,
            aht_seconds=aht,
            patience_seconds=patience,
            sl_threshold_seconds=threshold,
        ).service_level
    return erlang.predict(
        agents=servers, arrivals_per_hour=per_hour, aht_seconds=aht, sl_threshold_seconds=threshold
    ).service_level


def staffed_per_interval(queue_id: int, day: date, interval: int) -> list[int]:
    """Agents of the queue at work (published schedule, breaks left out) in each interval."""
    members = list(AgentProfile.objects.filter(queues=queue_id).values_list("user_id", flat=True))
    per_day = forecasting.intervals_per_day(interval)
    counts = [0] * per_day
    midnight = history.local_midnight(day)
    for spans in rta.published_activities(day, day, members).values():
        for span in spans:
            if span.kind != "work":
                continue
            first = math.ceil((span.start - midnight).total_seconds() / 60 / interval)
            last = math.floor((span.end - midnight).total_seconds() / 60 / interval)
            for k in range(max(0, first), min(per_day, last)):
                counts[k] += 1
    return counts


# -- schedules ------------------------------------------------------------------------------


@supervisor_required
@require_http_methods(["GET", "POST"])
def schedules_page(request: HttpRequest) -> HttpResponse:
    queues = list(Queue.objects.order_by("name"))
    context = {
        "section": "wfm",
        "queues": queues,
        "schedules": Schedule.objects.all()[:50],
        "default_day": timezone.localdate(clock.now()) + timedelta(days=1),
    }
    if request.method == "POST":
        try:
            form = _plan_form(request.POST, queues, context["default_day"])
            chosen = request.POST.getlist("queues")
            queue_ids = [q.pk for q in queues if str(q.pk) in chosen]
            if len(queue_ids) != len(chosen):
                raise BadInput("no such queue")
            days = _number(request.POST, "days", 7, 1, 28, integer=True)
            schedule_id = schedules.generate(
                request.user,
                first_day=form["day"],
                days=days,
                interval_minutes=form["interval"],
                queue_ids=queue_ids,
                target=_target(form),
                shrinkage=form["shrinkage"] / 100,
                time_limit_seconds=_number(request.POST, "time_limit", 20, 1, 55),
            )
        except (BadInput, BadTarget, ScheduleError) as error:
            context["error"] = str(error)
            return render(request, "wfm/schedules.html", context, status=400)
        return redirect("wfm:schedule", schedule_id=schedule_id)
    return render(request, "wfm/schedules.html", context)


def _names(agent_ids) -> dict[int, str]:
    return {
        u.pk: (u.get_full_name() or u.get_username())
        for u in get_user_model().objects.filter(pk__in=list(agent_ids))
    }


def _hhmm(value: str | datetime) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{timezone.localtime(moment):%H:%M}"


@supervisor_required
@require_http_methods(["GET", "POST"])
def schedule_page(request: HttpRequest, schedule_id: str) -> HttpResponse:
    schedule = Schedule.objects.filter(pk=schedule_id).first()
    if schedule is None:
        return render(
            request,
            "wfm/schedule.html",
            {"section": "wfm", "error": "no such schedule"},
            status=404,
        )
    error = None
    if request.method == "POST":
        try:
            _schedule_action(request, schedule)
            day = request.POST.get("day") or schedule.first_day.isoformat()
            return redirect(f"{request.path}?day={day}")
        except (BadInput, ScheduleError) as refused:
            error = str(refused)
    try:
        day = _day(request.GET, "day", schedule.first_day)
    except BadInput as refused:
        day, error = schedule.first_day, str(refused)
    if not 0 <= (day - schedule.first_day).days < schedule.days:
        day, error = schedule.first_day, error or "that day is outside the schedule"
    shifts = list(ScheduledShift.objects.filter(schedule=schedule, day=day, removed=False))
    names = _names(s.agent_id for s in shifts)
    rows = [
        {
            "shift": s,
            "name": names.get(s.agent_id, str(s.agent_id)),
            "start": _hhmm(s.start),
            "end": _hhmm(s.end),
            "activities": [
                {"kind": a["kind"], "start": _hhmm(a["start"]), "end": _hhmm(a["end"])}
                for a in s.activities
            ],
            "breaks": ", ".join(
                f"{a['kind']} {_hhmm(a['start'])}-{_hhmm(a['end'])}"
                for a in s.activities
                if a["kind"] != "work"
            ),
        }
        for s in sorted(shifts, key=lambda s: (s.start, names.get(s.agent_id, "")))
    ]
    coverage = _coverage(schedule, day, shifts)
    agents = _names(AgentProfile.objects.values_list("user_id", flat=True))
    days = [schedule.first_day + timedelta(days=k) for k in range(schedule.days)]
    context = {
        "section": "wfm",
        "schedule": schedule,
        "day": day,
        "days": days,
        "rows": rows,
        "coverage": coverage,
        "agents": sorted(agents.items(), key=lambda kv: kv[1]),
        "error": error,
    }
    return render(request, "wfm/schedule.html", context, status=400 if error else 200)


def _coverage(schedule: Schedule, day: date, shifts: list[ScheduledShift]) -> list[dict]:
    interval = schedule.interval_minutes
    per_day = 1440 // interval
    offset = (day - schedule.first_day).days * per_day
    required = [0] * per_day
    for need in schedule.requirement.values():
        for k in range(per_day):
            required[k] += need[offset + k] if offset + k < len(need) else 0
    staffed = [0] * per_day
    midnight = history.local_midnight(day)
    for shift in shifts:
        for a in shift.activities:
            if a["kind"] != "work":
                continue
            lo = (datetime.fromisoformat(a["start"]) - midnight).total_seconds() / 60 / interval
            hi = (datetime.fromisoformat(a["end"]) - midnight).total_seconds() / 60 / interval
            for k in range(max(0, math.ceil(lo)), min(per_day, math.floor(hi))):
                staffed[k] += 1
    return [
        {
            "start": f"{(k * interval) // 60:02d}:{(k * interval) % 60:02d}",
            "required": required[k],
            "staffed": staffed[k],
            "gap": staffed[k] - required[k],
        }
        for k in range(per_day)
        if required[k] or staffed[k]
    ]


def _schedule_action(request: HttpRequest, schedule: Schedule) -> None:
    action = request.POST.get("action")
    if action == "publish":
        schedules.publish(request.user, schedule.pk)
        return
    try:
        agent_id = int(request.POST.get("agent_id", ""))
    except ValueError:
        raise BadInput("choose an agent") from None
    if not AgentProfile.objects.filter(user_id=agent_id).exists():
        raise BadInput("no such agent")
    day = request.POST.get("day", "")
    reason = (request.POST.get("reason") or "")[:200]
    if action == "remove":
        schedules.remove_shift(request.user, schedule.pk, agent_id=agent_id, day=day, reason=reason)
        return
    if action != "edit":
        raise BadInput("unknown action")
    start = schedules.local_time_on(day, request.POST.get("start", ""))
    end = schedules.local_time_on(day, request.POST.get("end", ""))
    activities = _activities(day, request.POST.get("breaks", ""), start, end)
    schedules.change_shift(
        request.user,
        schedule.pk,
        agent_id=agent_id,
        day=day,
        start=start,
        end=end,
        activities=activities,
        reason=reason,
    )


def _activities(day: str, text: str, start: str, end: str) -> list[dict]:
    """`lunch 12:00-12:30, break 10:00-10:15` -> the shift's activities, work filling the rest."""
    breaks = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            kind, span = part.split()
            a, b = span.split("-")
        except ValueError:
            raise BadInput(f"{part!r}: write e.g. 'lunch 12:00-12:30'") from None
        breaks.append((kind, schedules.local_time_on(day, a), schedules.local_time_on(day, b)))
    breaks.sort(key=lambda x: datetime.fromisoformat(x[1]))
    out, cursor = [], start
    for kind, a, b in breaks:
        if datetime.fromisoformat(a) > datetime.fromisoformat(cursor):
            out.append({"kind": "work", "start": cursor, "end": a})
        out.append({"kind": kind, "start": a, "end": b})
        cursor = b
    if datetime.fromisoformat(cursor) < datetime.fromisoformat(end):
        out.append({"kind": "work", "start": cursor, "end": end})
    return out


# -- adherence ------------------------------------------------------------------------------


@supervisor_required
def adherence_page(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    today = timezone.localdate(now)
    try:
        day = _day(request.GET, "day", today)
    except BadInput as error:
        return render(
            request, "wfm/adherence.html", {"section": "wfm", "error": str(error)}, status=400
        )
    live = rta.live(now)
    names = _names(live)
    live_rows = [
        {
            "name": names.get(agent_id, str(agent_id)),
            "state": state,
            "out_minutes": int((now - state.out_since).total_seconds() // 60)
            if state.out_since
            else None,
        }
        for agent_id, state in sorted(live.items(), key=lambda kv: names.get(kv[0], ""))
    ]
    report = rta.daily_report(day, now)
    context = {
        "section": "wfm",
        "day": day,
        "live": live_rows,
        "report": report,
        "alert_after": rta.ALERT_AFTER_MINUTES,
    }
    return render(request, "wfm/adherence.html", context)


# -- the agent's own schedule ---------------------------------------------------------------


@agent_required
def my_schedule(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate(clock.now())
    spans = rta.published_activities(today, today + timedelta(days=13), [request.user.pk])
    by_day: dict[date, list[adherence.Span]] = {}
    for span in spans.get(request.user.pk, []):
        by_day.setdefault(timezone.localtime(span.start).date(), []).append(span)
    days = [
        {
            "day": day,
            "start": _hhmm(items[0].start),
            "end": _hhmm(items[-1].end),
            "activities": [
                {"kind": s.kind, "start": _hhmm(s.start), "end": _hhmm(s.end)} for s in items
            ],
        }
        for day, items in sorted(by_day.items())
    ]
    return render(request, "wfm/my_schedule.html", {"days": days, "today": today})
