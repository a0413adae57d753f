"""The campaign's floor, read from the projections: its agents (blended: outbound/blending.py)
and its recent outcomes (the pacing window)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from contactcenter.interactions.domain import WAITING
from contactcenter.interactions.models import Interaction
from outbound.blending import AgentFloor, Split, split
from outbound.models import Campaign, DialAttempt
from outbound.pacing import RollingWindow
from routing import config
from routing.models import AgentState

LIVE = ("dialling", "answered")


def idle_threshold() -> timedelta:
    return timedelta(seconds=settings.OUTBOUND_IDLE_SECONDS)


def agents(campaign: Campaign, now: datetime) -> Split:
    snapshot = config.current()
    staffed = {a.agent_id: a for a in snapshot.agents.values() if campaign.queue_id in a.queues}
    states = {s.agent_id: s for s in AgentState.objects.filter(agent_id__in=staffed)}
    holding: dict[str, int] = {}
    for name in (
        DialAttempt.objects.filter(status__in=LIVE)
        .exclude(agent="")
        .values_list("agent", flat=True)
    ):
        holding[name] = holding.get(name, 0) + 1
    waiting_queues = set(
        Interaction.objects.filter(state__in=list(WAITING), queue_id__isnull=False)
        .values_list("queue_id", flat=True)
        .distinct()
    )
    floor = []
    for agent_id, agent in staffed.items():
        state = states.get(agent_id)
        if state is None:
            continue
        floor.append(
            AgentFloor(
                agent_id=agent_id,
                presence=state.presence,
                inbound_work=len(state.work),
                voice_capacity=agent.capacity.get("voice", 1),
                outbound_calls=holding.get(str(agent_id), 0),
                idle_since=state.idle_since or state.presence_since,
                inbound_waiting=bool(set(agent.queues) & waiting_queues),
                connected=state.disconnected_since is None,
            )
        )
    return split(floor, now, idle_threshold())


def window(campaign: Campaign, now: datetime, seconds: float) -> tuple[RollingWindow, int, int]:
    """The pacing window filled from the attempts of the last `seconds` (timestamps), the
    lines in flight, and those of them that hold no agent (predictive)."""
    since = now - timedelta(seconds=seconds)
    rolling = RollingWindow(seconds)
    attempts = DialAttempt.objects.filter(campaign_id=campaign.pk).filter(
        Q(placed_at__gte=since) | Q(status__in=LIVE)
    )
    in_flight = unassigned = 0
    for a in attempts.order_by("placed_at"):
        if a.status == "dialling":
            in_flight += 1
            unassigned += not a.agent
            continue
        if a.answered_at and a.answered_by in ("", "human", "unknown"):
            rolling.answered(
                a.answered_at.timestamp(), (a.answered_at - a.placed_at).total_seconds()
            )
        elif a.status == "ended":
            rolling.unanswered((a.ended_at or a.placed_at).timestamp())
        if a.outcome == "abandoned":
            rolling.abandoned((a.ended_at or a.answered_at or a.placed_at).timestamp())
        if a.outcome == "connected" and a.answered_at and a.ended_at:
            rolling.handled(a.ended_at.timestamp(), (a.ended_at - a.answered_at).total_seconds())
    return rolling, in_flight, unassigned
