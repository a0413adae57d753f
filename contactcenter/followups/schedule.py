"""Bringing follow-ups back: the `follow-ups` loop finds those due and, for each, appends to
the conversation's stream that it came due, reopens it and queues it for the agent who asked.

Each happens once: the follow-up's row is locked while it is decided (another process skips
it), its state says whether it came due already, and the append carries an idempotency key
made of the conversation and the wrap-up that asked for it, so a redelivered or repeated
firing appends nothing. A round that fails (the database restarting) is the `Loop`'s to
retry; the follow-up is still scheduled and comes due in the next round that works.
"""

import logging
from datetime import datetime

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import row_statements, store
from contactcenter.events.types import DomainEvent
from contactcenter.followups import events as ev
from contactcenter.followups.models import FollowUp
from contactcenter.interactions import commands as interactions
from contactcenter.interactions import events as interaction_events
from contactcenter.interactions.domain import ENDED, DomainError, Interaction
from contactcenter.workers.loop import Loop
from contactcenter.workers.set_aside import SetAside
from routing import config, offers
from routing.config import QueueConfig

PER_ROUND = 100
MAX_IDLE_SECONDS = 1.0
RETRY_FAILED_AFTER_SECONDS = 60.0
REASON = "follow_up"

log = logging.getLogger(__name__)
_failed = SetAside(RETRY_FAILED_AFTER_SECONDS)  # interaction ids whose follow-up failed


def idempotency_key(row: FollowUp) -> str:
    return f"follow-up:{row.interaction_id}:{row.wrap_up_position}"


def _queue_for(interaction: Interaction, agent_id: int) -> QueueConfig | None:
    """Where it waits: its own last queue, else a queue of the agent's that takes its
    channel (an outbound conversation may have had none)."""
    snapshot = config.current()
    queue = snapshot.queues.get(interaction.queue_id or -1)
    if queue is not None and interaction.channel in queue.channels:
        return queue
    agent = snapshot.agents.get(agent_id)
    for queue_id in sorted(agent.queues if agent else ()):
        queue = snapshot.queues.get(queue_id)
        if queue is not None and interaction.channel in queue.channels:
            return queue
    return None


def decide(interaction: Interaction, row: FollowUp, now: datetime) -> list[DomainEvent]:
    """It came due; if the conversation is over, it reopens and waits in its queue with the
    same agent preferred (offered to them while they are available, until they decline it or
    let the offer go; anyone in the queue otherwise)."""
    queue = _queue_for(interaction, row.agent_id) if interaction.state in ENDED else None
    due = ev.FollowUpDue(
        interaction_id=interaction.id,
        agent_id=row.agent_id,
        note=row.note,
        due_at=row.due_at.isoformat(),
        requeued=queue is not None,
    )
    if queue is None:
        return [due]
    events: list[DomainEvent] = [
        due,
        interaction_events.InteractionReopened(interaction_id=interaction.id, reason=REASON),
    ]
    return events + offers.enqueue_events(
        offers.then(interaction, events, now),
        queue,
        now,
        reason=REASON,
        preferred_agent_id=row.agent_id,
    )


@command
def bring_back(interaction_id: str, now: datetime | None = None) -> int:
    """Bring one due follow-up back; 1 if it did, 0 if it was not due, done already, or
    another process has it."""
    now = now or clock.now()
    row = (
        FollowUp.objects.select_for_update(skip_locked=True)
        .filter(pk=interaction_id, state=FollowUp.State.SCHEDULED, due_at__lte=now)
        .first()
    )
    if row is None:
        return 0
    key = idempotency_key(row)
    if store.key_exists(key):
        return 0  # appended before: the row says so once the projection is rebuilt
    interactions.decide_and_append(
        interaction_id, lambda i: decide(i, row, now), idempotency_key=key
    )
    return 1


def bring_back_due(now: datetime | None = None) -> int:
    """One round of the loop: every follow-up due now; returns how many came back."""
    now = now or clock.now()
    aside = set(_failed.keys())
    # In SQL made once (row_statements.where), as the loop's sleep reads below: every worker
    # runs this round about once a second, and building and compiling the two reads through
    # the ORM was most of an idle worker's CPU (issue 18). Those set aside are passed over
    # here, so that as many others are still read.
    due = row_statements.where(
        FollowUp,
        names=("pk",),
        state=FollowUp.State.SCHEDULED.value,
        due_at__lte=now,
        order_by=("due_at",),
        limit=PER_ROUND + len(aside),
    )
    done = 0
    for interaction_id in [pk for (pk,) in due if pk not in aside][:PER_ROUND]:
        try:
            done += bring_back(interaction_id, now)
        except DomainError as error:
            # Its conversation refuses (it was erased, say): a bug or a rule, not an outage.
            # Say so and try it again later rather than fail every round on it.
            log.error("follow-up of %s could not come back: %s", interaction_id, error)
            _failed.put(interaction_id)
    return done


def forget() -> None:
    """Try every follow-up again at the next round (tests start from a clean loop)."""
    _failed.forget()


def seconds_until_due(now: datetime | None = None) -> float:
    now = now or clock.now()
    aside = set(_failed.keys())
    soonest = row_statements.where(
        FollowUp,
        names=("pk", "due_at"),
        state=FollowUp.State.SCHEDULED.value,
        order_by=("due_at",),
        limit=1 + len(aside),
    )
    next_due = next((due_at for pk, due_at in soonest if pk not in aside), None)
    waits = [MAX_IDLE_SECONDS]
    if next_due is not None:
        waits.append((next_due - now).total_seconds())
    if (retry := _failed.seconds_to_next()) is not None:
        waits.append(retry)  # (counted as due, a failed one kept the loop from sleeping)
    return max(0.0, min(waits))


def follow_up_loop() -> Loop:
    return Loop("follow-ups", bring_back_due, idle=seconds_until_due)
