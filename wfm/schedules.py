"""Schedule commands: generate (the optimiser, then one ScheduleGenerated event), edit a shift
by hand, remove one, publish. Each loads the `schedule-<id>` stream, lets the aggregate
(wfm/schedule_domain.py) decide, and appends what it decided. Supervisors only."""

import uuid
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from contactcenter.commands import command
from contactcenter.events import store
from contactcenter.events.context import acting_as
from contactcenter.roles import is_supervisor
from routing.models import AgentProfile
from wfm import planning, requirements, schedule_domain, scheduling
from wfm.history import local_midnight
from wfm.models import Availability, Contract, ShiftTemplate
from wfm.schedule_domain import ScheduleError


class Forbidden(ScheduleError):
    pass


def stream_id(schedule_id: str) -> str:
    return f"schedule-{schedule_id}"


def _actor(user: AbstractBaseUser) -> str:
    if not is_supervisor(user):
        raise Forbidden("only supervisors change schedules")
    return f"supervisor:{user.pk}"


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def templates() -> tuple[scheduling.ShiftTemplate, ...]:
    out = []
    for row in ShiftTemplate.objects.order_by("name"):
        out.append(
            scheduling.ShiftTemplate(
                name=row.name,
                minutes=row.minutes,
                earliest_start_minutes=_minutes(row.earliest_start),
                latest_start_minutes=_minutes(row.latest_start),
                start_step_minutes=row.start_step_minutes,
                breaks=tuple(
                    scheduling.BreakRule(
                        kind=b["kind"],
                        minutes=int(b["minutes"]),
                        earliest_minutes=int(b["earliest"]),
                        latest_minutes=int(b["latest"]),
                        paid=bool(b.get("paid", b["kind"] != "lunch")),
                    )
                    for b in row.breaks or []
                ),
            )
        )
    return tuple(out)


def agent_specs(queue_ids: list[int], first_day: date, days: int) -> list[scheduling.AgentSpec]:
    """Agents serving any of the queues, with their contracts, availability and skills
    (the queues they serve)."""
    profiles = (
        AgentProfile.objects.filter(queues__in=queue_ids)
        .distinct()
        .prefetch_related("queues")
        .order_by("user_id")
    )
    contracts = {
        c.agent_id: c
        for c in Contract.objects.filter(agent_id__in=[p.user_id for p in profiles])
        .prefetch_related("templates")
    }  # fmt: skip
    windows: dict[int, dict[int, tuple[int, int]]] = {}
    for row in Availability.objects.filter(agent_id__in=[p.user_id for p in profiles]):
        windows.setdefault(row.agent_id, {})[row.weekday] = (
            _minutes(row.available_from),
            _minutes(row.available_to) or 1440,
        )
    specs = []
    for profile in profiles:
        contract = contracts.get(profile.user_id)
        allowed = None
        if contract is not None:
            names = tuple(t.name for t in contract.templates.all())
            allowed = names or None
        availability = None
        if profile.user_id in windows:
            by_weekday = windows[profile.user_id]
            availability = {
                d: by_weekday[(first_day + timedelta(days=d)).weekday()]
                for d in range(days)
                if (first_day + timedelta(days=d)).weekday() in by_weekday
            }
        specs.append(
            scheduling.AgentSpec(
                agent_id=profile.user_id,
                skills=frozenset(str(q.pk) for q in profile.queues.all() if q.pk in queue_ids),
                min_week_minutes=int(float(contract.min_hours_per_week) * 60) if contract else 0,
                max_week_minutes=int(float(contract.max_hours_per_week) * 60)
                if contract
                else 40 * 60,
                max_days_per_week=contract.max_days_per_week if contract else 5,
                templates=allowed,
                availability=availability,
            )
        )
    return specs


def at(first_day: date, minute: int) -> str:
    """Minutes from the schedule's first local midnight as an aware ISO time (each day's
    own midnight, so a change of daylight saving moves no shift)."""
    day = first_day + timedelta(days=minute // 1440)
    return (local_midnight(day) + timedelta(minutes=minute % 1440)).isoformat()


def shift_data(first_day: date, shift: scheduling.Shift) -> dict:
    activities = [
        {"kind": a.kind, "start": at(first_day, a.start_minute), "end": at(first_day, a.end_minute)}
        for a in shift.activities
    ]
    return {
        "agent_id": shift.agent_id,
        "day": (first_day + timedelta(days=shift.day)).isoformat(),
        "template": shift.template,
        "start": at(first_day, shift.start_minute),
        "end": at(first_day, shift.end_minute),
        "activities": activities,
    }


def generate(
    user: AbstractBaseUser,
    *,
    first_day: date,
    days: int,
    interval_minutes: int,
    queue_ids: list[int],
    target: requirements.Target,
    shrinkage: float = 0.1,
    time_limit_seconds: float = 20.0,
) -> str:
    """Forecast, size and schedule the queues' agents; returns the new schedule's id."""
    actor = _actor(user)
    if not 1 <= days <= 28:
        raise ScheduleError("a schedule covers 1 to 28 days")
    if not queue_ids:
        raise ScheduleError("choose at least one queue")
    shift_templates = templates()
    if not shift_templates:
        raise ScheduleError("add a shift template first (Django admin, Shift templates)")
    need = {}
    for queue_id in queue_ids:
        plan = planning.plan_queue(
            queue_id, first_day, days, interval_minutes, target, shrinkage=shrinkage
        )
        need[str(queue_id)] = plan.scheduled()
    specs = agent_specs(queue_ids, first_day, days)
    if not specs:
        raise ScheduleError("no agents serve those queues")
    problem = scheduling.Problem(
        days=days,
        interval_minutes=interval_minutes,
        requirement=need,
        templates=shift_templates,
        agents=tuple(specs),
        time_limit_seconds=time_limit_seconds,
    )
    try:
        result = scheduling.generate(problem)
    except ValueError as error:
        raise ScheduleError(str(error)) from None
    schedule_id = uuid.uuid4().hex[:12]
    event = schedule_domain.ev.ScheduleGenerated(
        schedule_id=schedule_id,
        first_day=first_day.isoformat(),
        days=days,
        interval_minutes=interval_minutes,
        queues=[str(q) for q in queue_ids],
        requirement=need,
        shifts=[shift_data(first_day, s) for s in result.shifts],
        required=result.required,
        under=result.under,
        over=result.over,
    )
    _append_new(actor, schedule_id, event)
    return schedule_id


@command
def _append_new(actor: str, schedule_id: str, event) -> None:
    with acting_as(actor):
        store.append(stream_id(schedule_id), [event], expected_version=0)


def load(schedule_id: str) -> schedule_domain.ScheduleState:
    recorded = store.read_stream(stream_id(schedule_id))
    return schedule_domain.fold([(r.payload, r.version) for r in recorded])


@command
def _decide(actor: str, schedule_id: str, decide) -> int:
    state = load(schedule_id)
    events = decide(state)
    if events:
        with acting_as(actor):
            store.append(stream_id(schedule_id), events, expected_version=state.version)
    return len(events)


def change_shift(
    user: AbstractBaseUser,
    schedule_id: str,
    *,
    agent_id: int,
    day: str,
    start: str,
    end: str,
    activities: list[dict] | None = None,
    reason: str = "",
) -> int:
    actor = _actor(user)
    return _decide(
        actor,
        schedule_id,
        lambda state: schedule_domain.change_shift(
            state,
            agent_id=agent_id,
            day=day,
            start=start,
            end=end,
            activities=activities or [],
            reason=reason,
        ),
    )


def remove_shift(
    user: AbstractBaseUser, schedule_id: str, *, agent_id: int, day: str, reason: str = ""
) -> int:
    actor = _actor(user)
    return _decide(
        actor,
        schedule_id,
        lambda state: schedule_domain.remove_shift(
            state, agent_id=agent_id, day=day, reason=reason
        ),
    )


def publish(user: AbstractBaseUser, schedule_id: str) -> int:
    actor = _actor(user)
    return _decide(actor, schedule_id, schedule_domain.publish)


def local_time_on(day: str, hhmm: str) -> str:
    """`HH:MM` on a schedule day as an aware ISO time (24:00 and later run into the next day)."""
    try:
        hours, minutes = (int(x) for x in hhmm.split(":"))
        when = date.fromisoformat(day)
    except (ValueError, AttributeError):
        raise ScheduleError(f"{hhmm!r} on {day!r} is not HH:MM on a date") from None
    if not (0 <= hours <= 36 and 0 <= minutes < 60):
        raise ScheduleError(f"{hhmm!r} is not a time of day")
    moment: datetime = local_midnight(when) + timedelta(hours=hours, minutes=minutes)
    return timezone.localtime(moment).isoformat()
