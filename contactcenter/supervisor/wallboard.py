"""The wallboard's figures: live counts from the projections, today's KPIs from the interval
facts (contactcenter/kpis), and the alerts. Read-only; what the supervisor socket pushes. A
team lead's board is their team's: its agents, the queues they are in (agents counted are the
team's), the work waiting there, the alerts about any of those, and the team's follow-ups."""

import dataclasses
from datetime import datetime
from typing import Any

from django.db.models import Count, Min

from contactcenter import clock
from contactcenter.interactions.models import Interaction
from routing import config
from routing.models import AgentState, AwayReason

WAITING = ("queued", "offered")
# The wallboard's colours: green at or above target, amber within this many points below it,
# red beyond. Queues with fewer answered-or-abandoned contacts today are not coloured yet.
AMBER_POINTS = 5
MIN_VOLUME = 5


def board(
    now: datetime | None = None, team: frozenset[int] | None = None, opening: bool = False
) -> dict[str, Any]:
    """The whole center's board, or (`team`: a team lead's agents) the team's. The board a
    supervisor is `opening` shows the center as it is: a queue an admin made a moment ago is
    on it, not left out until this process's snapshot next checks (refreshes wait for that)."""
    now = now or clock.now()
    snapshot = config.current(recheck=opening)
    if team is not None:
        snapshot = _of_team(snapshot, team)
    states = {s.agent_id: s for s in AgentState.objects.filter(agent_id__in=snapshot.agents)}
    waiting_now = waiting(now, snapshot, team is not None)
    return {
        "type": "board",
        "at": now.isoformat(),
        "queues": queues(now, snapshot, states),
        "agents": agents(now, snapshot, states),
        "waiting": waiting_now,
        "alerts": alerts(now) if team is None else _team_alerts(now, snapshot, waiting_now),
        "follow_ups": _follow_ups(now, team),
    }


def _follow_ups(now: datetime, team: frozenset[int] | None) -> dict:
    from contactcenter.followups import listing

    return listing.wallboard(now, agents=team)


def _of_team(snapshot: config.Snapshot, team: frozenset[int]) -> config.Snapshot:
    """The snapshot as a team lead sees it: their agents, and the queues those are in."""
    agents_ = {pk: a for pk, a in snapshot.agents.items() if pk in team}
    queue_ids = {q for a in agents_.values() for q in a.queues}
    queues_ = {pk: q for pk, q in snapshot.queues.items() if pk in queue_ids}
    return dataclasses.replace(snapshot, agents=agents_, queues=queues_)


def _team_alerts(now: datetime, snapshot: config.Snapshot, waiting_now: list) -> list[dict]:
    """The standing alerts about the team's queues, agents, and work waiting or held there."""
    queues_ = {str(pk) for pk in snapshot.queues}
    agents_ = {str(pk) for pk in snapshot.agents}
    held = Interaction.objects.filter(agent_id__in=list(snapshot.agents)).values_list("id")
    work = {row["id"] for row in waiting_now} | {iid for (iid,) in held}
    about = {"queue_below_sl": queues_, "waiting_past_sl": work, "conversation_negative": work}
    return [a for a in alerts(now) if a["subject"] in about.get(a["kind"], agents_)]


def _today(dimension: str, now: datetime) -> dict:
    from contactcenter.kpis.figures import today

    return today(dimension, now)


def queues(now, snapshot, states) -> list[dict[str, Any]]:
    live = {
        row["queue_id"]: row
        for row in Interaction.objects.filter(state__in=WAITING)
        .values("queue_id")
        .annotate(waiting=Count("id"), oldest=Min("first_queued_at"))
    }
    figures = _today("queue", now)
    rows = []
    for queue in sorted(snapshot.queues.values(), key=lambda q: q.name.lower()):
        members = [a for a in snapshot.agents.values() if queue.queue_id in a.queues]
        by_state = dict.fromkeys(AGENT_STATES, 0)
        for agent in members:
            by_state[_agent_state(states.get(agent.agent_id))] += 1
        today = figures.get(str(queue.queue_id))
        sl = today.service_level if today else None
        volume = (today.answered + today.abandoned) if today else 0
        oldest = live.get(queue.queue_id, {}).get("oldest")
        rows.append(
            {
                "id": queue.queue_id,
                "name": queue.name,
                "waiting": live.get(queue.queue_id, {}).get("waiting", 0),
                "longest_wait_since": oldest.isoformat() if oldest else None,
                "open": queue.is_open(now),
                "offered": today.offered if today else 0,
                "answered": today.answered if today else 0,
                "abandoned": today.abandoned if today else 0,
                "service_level": sl,
                "service_level_offered": today.service_level_offered if today else None,
                "asa_seconds": today.asa_seconds if today else None,
                "target_percent": queue.sl_target_percent,
                "threshold_seconds": queue.sl_threshold_seconds,
                "colour": colour(sl, queue.sl_target_percent, volume),
                "agents": by_state,
            }
        )
    return rows


def colour(service_level: float | None, target_percent: int, volume: int) -> str:
    if service_level is None or volume < MIN_VOLUME:
        return "neutral"
    points = service_level * 100 - target_percent
    if points >= 0:
        return "green"
    return "amber" if points >= -AMBER_POINTS else "red"


AGENT_STATES = ("available", "busy", "wrap_up", "away", "disconnected", "offline")


def _agent_state(state: AgentState | None) -> str:
    if state is None or state.presence == "offline":
        return "offline"
    if state.disconnected_since is not None:
        return "disconnected"  # the console went away: no offers, offline after the grace
    if state.presence == "away":
        return "away"
    activity = state.activity
    return {"idle": "available", "busy": "busy", "wrap_up": "wrap_up"}[activity]


def _since(state: AgentState | None) -> str | None:
    if state is None:
        return None
    if state.disconnected_since is not None and state.presence != "offline":
        return state.disconnected_since.isoformat()
    return state.presence_since.isoformat() if state.presence_since else None


def agents(now, snapshot, states) -> list[dict[str, Any]]:
    from wfm import rta  # workforce management: adherence to the published schedule

    figures = _today("agent", now)
    adherence = rta.live(now, list(snapshot.agents))
    rows = []
    for agent in sorted(snapshot.agents.values(), key=lambda a: a.name.lower()):
        state = states.get(agent.agent_id)
        today = figures.get(str(agent.agent_id))
        work = (state.work if state else {}) or {}
        rows.append(
            {
                "id": agent.agent_id,
                "name": agent.name,
                "state": _agent_state(state),
                "presence": state.presence if state else "offline",
                "away_reason": state.away_reason if state else "",
                "since": _since(state),
                "work": [
                    {
                        "interaction_id": iid,
                        "channel": item["channel"],
                        "stage": item["state"],
                        "since": item.get("since"),
                    }
                    for iid, item in sorted(work.items())
                ],
                "missed_today": today.offers_missed if today else 0,
                # the agent's work today, both directions (a blended agent calls out too)
                "handled_today": today.all_handled if today else 0,
                "is_supervisor": agent.is_supervisor,
                "adherence": rta.as_json(adherence.get(agent.agent_id)),
            }
        )
    return rows


def waiting(now, snapshot, in_its_queues: bool = False) -> list[dict[str, Any]]:
    """The work waiting now, oldest first: what a supervisor may take and assign by hand
    (for a team lead, `in_its_queues`: what waits in the team's queues)."""
    found = Interaction.objects.filter(state__in=WAITING)
    if in_its_queues:
        found = found.filter(queue_id__in=list(snapshot.queues))
    rows = found.order_by("-priority", "first_queued_at")[:100].values(
        "id",
        "channel",
        "queue_id",
        "first_queued_at",
        "last_message_preview",
        "state",
        "offer_agent_id",
    )
    return [
        {
            **row,
            "first_queued_at": row["first_queued_at"].isoformat()
            if row["first_queued_at"]
            else None,
            "queue": snapshot.queues[row["queue_id"]].name
            if row["queue_id"] in snapshot.queues
            else "",
        }
        for row in rows
    ]


def alerts(now: datetime) -> list[dict[str, Any]]:
    """The alerts standing now (raised and not cleared), newest first."""
    from contactcenter.supervisor.models import StandingAlert

    return [
        {
            "alert": a.key,
            "kind": a.kind,
            "subject": a.subject,
            "message": a.message,
            "since": a.raised_at.isoformat(),
        }
        for a in StandingAlert.objects.order_by("-raised_at")
    ]


# -- what should be alerted now (pure enough: reads, decides, does not write) ------------------


def alert_conditions(now: datetime) -> dict[str, tuple[str, str, str, dict]]:
    """alert key -> (kind, subject, message, detail) for every condition that holds now."""
    snapshot = config.current()
    conditions: dict[str, tuple[str, str, str, dict]] = {}
    figures = _today("queue", now)
    for queue in snapshot.queues.values():
        today = figures.get(str(queue.queue_id))
        sl = today.service_level if today else None
        volume = (today.answered + today.abandoned) if today else 0
        if sl is not None and volume >= MIN_VOLUME and sl * 100 < queue.sl_target_percent:
            conditions[f"queue_below_sl:{queue.queue_id}"] = (
                "queue_below_sl",
                str(queue.queue_id),
                f"{queue.name} is at {sl:.0%} answered within {queue.sl_threshold_seconds} s "
                f"today, below its {queue.sl_target_percent}% target",
                {"service_level": sl, "target_percent": queue.sl_target_percent},
            )
    overdue = Interaction.objects.filter(state__in=WAITING).values(
        "id", "queue_id", "first_queued_at"
    )
    for row in overdue:
        queue = snapshot.queues.get(row["queue_id"])
        if queue is None or row["first_queued_at"] is None:
            continue
        waited = (now - row["first_queued_at"]).total_seconds()
        if waited > queue.sl_threshold_seconds:
            conditions[f"waiting_past_sl:{row['id']}"] = (
                "waiting_past_sl",
                row["id"],
                f"A {queue.name} contact has waited {int(waited)} s, past the "
                f"{queue.sl_threshold_seconds} s threshold",
                {"queue_id": queue.queue_id, "waited_seconds": int(waited)},
            )
    limits = dict(
        AwayReason.objects.filter(limit_minutes__gt=0).values_list("code", "limit_minutes")
    )
    away = AgentState.objects.filter(
        presence="away", away_reason__in=limits, presence_since__isnull=False
    )
    for state in away:
        minutes = (now - state.presence_since).total_seconds() / 60
        limit = limits[state.away_reason]
        if minutes > limit and state.agent_id in snapshot.agents:
            name = snapshot.agents[state.agent_id].name
            conditions[f"away_too_long:{state.agent_id}"] = (
                "away_too_long",
                str(state.agent_id),
                f"{name} has been away ({state.away_reason}) for {int(minutes)} min, past "
                f"the {limit} min limit",
                {"agent_id": state.agent_id, "minutes": int(minutes)},
            )
    from wfm import rta

    conditions.update(rta.alert_conditions(now))
    conditions.update(negative_conversations())
    return conditions


def negative_conversations() -> dict[str, tuple[str, str, str, dict]]:
    """A live conversation whose customer turned negative (contactcenter/knowledge)."""
    from contactcenter.knowledge.models import ConversationSentiment

    snapshot = config.current()
    negative = set(
        ConversationSentiment.objects.filter(negative=True).values_list("interaction_id", flat=True)
    )
    live = Interaction.objects.filter(
        pk__in=negative, state__in=("queued", "offered", "active")
    ).values("id", "queue_id", "agent_id")
    conditions = {}
    for row in live:
        queue = snapshot.queues.get(row["queue_id"])
        where = f" in {queue.name}" if queue else ""
        conditions[f"conversation_negative:{row['id']}"] = (
            "conversation_negative",
            row["id"],
            f"A customer{where} is upset: their conversation turned negative",
            {"queue_id": row["queue_id"], "interaction_id": row["id"], "agent_id": row["agent_id"]},
        )
    return conditions
