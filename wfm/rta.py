"""Real-time and daily adherence: the published schedule (ScheduledShift.published) against
agents' presence (AgentState now; the `agent-<id>` streams' AgentPresenceChanged events for a
day). The arithmetic is in wfm/adherence.py."""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from contactcenter import clock
from contactcenter.events import store
from routing.models import AgentState
from wfm import adherence
from wfm.adherence import Span
from wfm.history import local_midnight
from wfm.models import ScheduledShift

# Out of adherence this long raises the wallboard alert (and a console would show it).
ALERT_AFTER_MINUTES = 5


def published_activities(
    first: date, last: date, agent_ids: list[int] | None = None
) -> dict[int, list[Span]]:
    """agent -> the published activities of days first..last, in order. Where two published
    schedules give an agent the same day, the later-published one holds."""
    rows = ScheduledShift.objects.filter(
        day__gte=first,
        day__lte=last,
        published__isnull=False,
        schedule__published_at__isnull=False,
    ).select_related("schedule")
    if agent_ids is not None:
        rows = rows.filter(agent_id__in=agent_ids)
    chosen: dict[tuple[int, date], ScheduledShift] = {}
    for row in rows:
        key = (row.agent_id, row.day)
        held = chosen.get(key)
        if held is None or held.schedule.published_at < row.schedule.published_at:
            chosen[key] = row
    out: dict[int, list[Span]] = {}
    for (agent_id, _), row in sorted(chosen.items()):
        for a in row.published["activities"]:
            out.setdefault(agent_id, []).append(
                Span(
                    a["kind"], datetime.fromisoformat(a["start"]), datetime.fromisoformat(a["end"])
                )
            )
    for spans in out.values():
        spans.sort(key=lambda s: s.start)
    return out


def live(
    moment: datetime | None = None, agent_ids: list[int] | None = None
) -> dict[int, adherence.Now]:
    """agent -> real-time adherence, for agents with a published shift today."""
    moment = moment or clock.now()
    today = timezone.localtime(moment).date()
    schedule = published_activities(today - timedelta(days=1), today, agent_ids)
    states = {s.agent_id: s for s in AgentState.objects.filter(agent_id__in=list(schedule))}
    out = {}
    for agent_id, spans in schedule.items():
        state = states.get(agent_id)
        presence = state.presence if state else "offline"
        since = state.presence_since if state else None
        out[agent_id] = adherence.now(spans, presence, since, moment)
    return out


def as_json(state: adherence.Now | None) -> dict | None:
    """What the wallboard shows of an agent's real-time adherence (None: not scheduled)."""
    if state is None:
        return None
    return {
        "scheduled": state.scheduled,
        "in_adherence": state.in_adherence,
        "out_since": state.out_since.isoformat() if state.out_since else None,
    }


def presence_changes(agent_id: int) -> list[tuple[datetime, str]]:
    return [
        (e.occurred_at, e.data["presence"])
        for e in store.read_stream(f"agent-{agent_id}")
        if e.type == "AgentPresenceChanged"
    ]


def daily_report(day: date, moment: datetime | None = None) -> list[dict]:
    """Per agent scheduled that day: adherence, conformance, scheduled and available hours,
    and the stretches out of adherence (up to now, for today)."""
    moment = moment or clock.now()
    start, end = local_midnight(day), local_midnight(day + timedelta(days=1))
    schedule = published_activities(day, day)
    names = {
        u.pk: (u.get_full_name() or u.get_username())
        for u in get_user_model().objects.filter(pk__in=list(schedule))
    }
    rows = []
    for agent_id, spans in sorted(schedule.items(), key=lambda kv: names.get(kv[0], "")):
        changes = presence_changes(agent_id)
        initial = "offline"
        for at, presence in changes:
            if at <= start:
                initial = presence
        presence = adherence.timeline(changes, start, end, initial)
        figures = adherence.compare(spans, presence, until=min(end, moment))
        rows.append(
            {"agent_id": agent_id, "name": names.get(agent_id, str(agent_id)), "figures": figures}
        )
    return rows


def alert_conditions(moment: datetime) -> dict[str, tuple[str, str, str, dict]]:
    """The wallboard's `out_of_adherence` alerts: agents out for ALERT_AFTER_MINUTES or more."""
    conditions = {}
    states = live(moment)
    if not states:
        return conditions
    names = {
        u.pk: (u.get_full_name() or u.get_username())
        for u in get_user_model().objects.filter(pk__in=list(states))
    }
    for agent_id, state in states.items():
        if state.out_since is None:
            continue
        minutes = (moment - state.out_since).total_seconds() / 60
        if minutes >= ALERT_AFTER_MINUTES:
            conditions[f"out_of_adherence:{agent_id}"] = (
                "out_of_adherence",
                str(agent_id),
                f"{names.get(agent_id, agent_id)} is {state.presence} during scheduled "
                f"{state.scheduled} for {int(minutes)} min",
                {"agent_id": agent_id, "minutes": int(minutes), "scheduled": state.scheduled},
            )
    return conditions
