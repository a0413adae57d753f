"""Where a waiting interaction stands in its queue, and how long it may still wait, from the
live queue: for the caller on hold (voice announces both) and the web chat widget.

Position: 1 + the interactions of the same queue that the router serves first (higher
priority, or equal priority and waiting longer), among those queued or being offered.

Expected wait: with a recent handle time (AHT: the mean of answer to end of conversation over
the queue's last RECENT conversations within WINDOW), position * AHT / agents, where agents are
the queue's available agents (at least one): each agent frees a place about every AHT. Without
a handle time, the mean wait of the queue's recently answered interactions. Without either,
unknown (None): better to say nothing than a made-up number.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from contactcenter.interactions.models import Interaction
from routing import config
from routing.models import AgentState

WAITING_STATES = ("queued", "offered")
RECENT = 50
WINDOW = timedelta(hours=2)


@dataclass(frozen=True)
class Standing:
    position: int
    waiting: int  # in the whole queue
    expected_wait_seconds: float | None


def position(row: Interaction) -> int:
    since = row.first_queued_at or row.created_at
    ahead = Interaction.objects.filter(queue_id=row.queue_id, state__in=WAITING_STATES).filter(
        Q(priority__gt=row.priority)
        | Q(priority=row.priority, first_queued_at__lt=since)
        | Q(priority=row.priority, first_queued_at=since, id__lt=row.id)
    )
    return ahead.count() + 1


def mean_handle_seconds(queue_id: int, now: datetime) -> float | None:
    handled = list(
        Interaction.objects.filter(
            queue_id=queue_id,
            answered_at__isnull=False,
            wrap_up_started_at__gte=now - WINDOW,
        )
        .order_by("-wrap_up_started_at")
        .values_list("answered_at", "wrap_up_started_at")[:RECENT]
    )
    if not handled:
        return None
    return sum((end - start).total_seconds() for start, end in handled) / len(handled)


def mean_answered_wait_seconds(queue_id: int, now: datetime) -> float | None:
    answered = list(
        Interaction.objects.filter(
            queue_id=queue_id, answered_at__gte=now - WINDOW, first_queued_at__isnull=False
        )
        .order_by("-answered_at")
        .values_list("first_queued_at", "answered_at")[:RECENT]
    )
    if not answered:
        return None
    return sum(max(0.0, (a - q).total_seconds()) for q, a in answered) / len(answered)


def available_agents(queue_id: int) -> int:
    members = [a.agent_id for a in config.current().agents.values() if queue_id in a.queues]
    return AgentState.objects.filter(agent_id__in=members, presence="available").count()


def standing(row: Interaction, now: datetime) -> Standing:
    place = position(row)
    waiting = Interaction.objects.filter(queue_id=row.queue_id, state__in=WAITING_STATES).count()
    aht = mean_handle_seconds(row.queue_id, now)
    if aht is not None:
        expected = place * aht / max(1, available_agents(row.queue_id))
    else:
        expected = mean_answered_wait_seconds(row.queue_id, now)
    return Standing(position=place, waiting=waiting, expected_wait_seconds=expected)
