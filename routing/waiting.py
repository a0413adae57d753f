"""Where a waiting interaction stands in its queue, and how long it may still wait, from the
live queue: for the caller on hold (voice announces both) and the web chat widget, which is
told of every change to its queue's line (`places`) instead of asking.

Position: 1 + the interactions of the same queue that the router serves first (higher
priority, or equal priority and waiting longer), among those queued or being offered.

Expected wait: with a recent handle time (AHT: the mean of answer to end of conversation over
the queue's last RECENT conversations within WINDOW), position * AHT / agents, where agents are
the queue's available agents (at least one): each agent frees a place about every AHT. Without
a handle time, the mean wait of the queue's recently answered interactions. Without either,
unknown (None): better to say nothing than a made-up number.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db.models import Q

from contactcenter.events import row_statements
from contactcenter.interactions.models import Interaction
from routing import config
from routing.models import AgentState

WAITING_STATES = ("queued", "offered")
RECENT = 50
WINDOW = timedelta(hours=2)
# A queue's pace moves slowly (its last RECENT conversations over WINDOW) and waits are told in
# minutes: the line's pushes reuse it this long rather than read it again at every change.
PACE_SECONDS = 10.0
_paces: dict[int, tuple[float, Callable[[int], float | None]]] = {}


class Waiting(NamedTuple):
    """Work in a queue's line, as those who tell a waiting customer their place need it."""

    id: str
    channel: str
    channel_key: str
    threading_key: str


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


def pace(queue_id: int, now: datetime) -> Callable[[int], float | None]:
    """The expected wait of the place `n` in the queue's line, from its recent pace."""
    aht = mean_handle_seconds(queue_id, now)
    if aht is not None:
        agents = max(1, available_agents(queue_id))
        return lambda place: place * aht / agents
    mean_wait = mean_answered_wait_seconds(queue_id, now)
    return lambda place: mean_wait


def recent_pace(queue_id: int, now: datetime) -> Callable[[int], float | None]:
    """The queue's pace as this process read it within PACE_SECONDS, or read now."""
    read_at, known = _paces.get(queue_id, (float("-inf"), None))
    if known is None or time.monotonic() - read_at > PACE_SECONDS:
        known = pace(queue_id, now)
        _paces[queue_id] = (time.monotonic(), known)
    return known


def standing(row: Interaction, now: datetime) -> Standing:
    place = position(row)
    waiting = Interaction.objects.filter(queue_id=row.queue_id, state__in=WAITING_STATES).count()
    return Standing(
        position=place, waiting=waiting, expected_wait_seconds=pace(row.queue_id, now)(place)
    )


def line(queue_id: int) -> list[Waiting]:
    """The queue's waiting work in the order the router serves it (router._claim_waiting).
    Plain tuples, not model instances: it is read at every arrival and answer, and a model
    with deferred fields for each of a long line's rows cost more than the query."""
    rows = row_statements.where(
        Interaction,
        names=Waiting._fields,
        queue_id=queue_id,
        state__in=WAITING_STATES,
        order_by=("-priority", "first_queued_at", "id"),
    )
    return [Waiting(*row) for row in rows]


def places(queue_id: int, now: datetime, channel: str) -> list[tuple[Waiting, Standing]]:
    """Every waiting interaction of `channel` in the queue with its standing: one read of the
    line, and of the pace only when someone of that channel waits in it."""
    waiting = line(queue_id)
    if not any(row.channel == channel for row in waiting):
        return []
    expected = recent_pace(queue_id, now)
    return [
        (row, Standing(position=n, waiting=len(waiting), expected_wait_seconds=expected(n)))
        for n, row in enumerate(waiting, start=1)
        if row.channel == channel
    ]


def forget() -> None:
    """Read every queue's pace afresh (tests: each has its own queues)."""
    _paces.clear()
