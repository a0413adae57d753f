"""What happens to a new or reopened interaction: which queue, and what if it is closed.

Called by ingest() inside its transaction, so an interaction is never stored without a next
step. The queue comes from the channel's entry point (admin: Entry points); without one, the
first queue that takes the channel, so nothing is left unrouted.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from channels_adapters import base as channel_registry
from contactcenter import clock
from contactcenter.events.types import DomainEvent
from contactcenter.interactions import events as ie
from contactcenter.interactions.domain import Interaction, State
from contactcenter.interactions.ingest import InboundMessage
from routing import config
from routing.config import QueueConfig
from routing.offers import enqueue_events, then

log = logging.getLogger(__name__)


def entry_queue(channel: str, channel_key: str) -> tuple[QueueConfig | None, int]:
    """The queue an interaction on this channel starts in, and the entry point's priority."""
    snapshot = config.current()
    queues = snapshot.queues
    for key in (channel_key, "*"):  # this channel's own entry point first
        entry = snapshot.entry_points.get((channel, key))
        if entry is not None and entry.queue_id in queues:
            return queues[entry.queue_id], entry.priority
    for queue in sorted(queues.values(), key=lambda q: q.queue_id):
        if channel in queue.channels:
            return queue, 0
    return None, 0


# Self-service before the queue, registered by apps above routing (the flows app): each gets
# a new interaction and its first message, and returns its events, or None when the entry
# point has no self-service of theirs.
SelfService = Callable[[Interaction, InboundMessage, datetime], list[DomainEvent] | None]
_self_service: list[SelfService] = []


def before_queueing(step: SelfService) -> None:
    if step not in _self_service:
        _self_service.append(step)


def admit(interaction: Interaction, message: InboundMessage) -> list[DomainEvent]:
    if interaction.state is not State.NEW:
        return []
    now = clock.now()
    if interaction.queue_id is not None:  # reopened: back to where it was
        queue = config.queue(interaction.queue_id)
        return (
            enqueue_events(interaction, queue, now, reason="reopened", preferred_agent_id=None)
            if queue
            else []
        )
    for self_service in _self_service:
        flow_events = self_service(interaction, message, now)
        if flow_events is not None:  # the entry point has a flow: self-service comes first
            return flow_events
    queue, entry_priority = entry_queue(interaction.channel, interaction.channel_key)
    # An adapter may name the queue (the web chat topic the visitor picked); it is trusted
    # code that checked the choice against the channel's configuration.
    chosen = config.current().queues.get(message.channel_data.get("queue_id") or -1)
    if chosen is not None and interaction.channel in chosen.channels:
        queue = chosen
    if queue is None:
        log.warning(
            "no queue takes %s: interaction %s waits unrouted", interaction.channel, interaction.id
        )
        return []
    priority = queue.priority + entry_priority
    events: list[DomainEvent] = []
    if not queue.is_open(now):
        return _after_hours(interaction, queue, priority, now)
    if (
        queue.max_size
        and _waiting(queue.queue_id) >= queue.max_size
        and channel_registry.capabilities(interaction.channel).realtime
    ):
        events.append(
            _system_message(
                interaction,
                "All our agents are busy right now. Please try again in a little while.",
            )
        )
        events.append(ie.InteractionClosed(interaction_id=interaction.id, reason="queue_full"))
        return events
    return enqueue_events(interaction, queue, now, reason="arrived", priority=priority)


def _after_hours(
    interaction: Interaction, queue: QueueConfig, priority: int, now
) -> list[DomainEvent]:
    action = queue.after_hours_action
    if action == "redirect" and queue.after_hours_queue_id in config.current().queues:
        target = config.current().queues[queue.after_hours_queue_id]
        if target.is_open(now) and interaction.channel in target.channels:
            return enqueue_events(interaction, target, now, reason="after_hours", priority=priority)
        action = "message"
    if action == "queue":
        return enqueue_events(interaction, queue, now, reason="after_hours", priority=priority)
    notice = _system_message(interaction, queue.after_hours_message)
    if action == "close":
        return [notice, ie.InteractionClosed(interaction_id=interaction.id, reason="after_hours")]
    after = then(interaction, [notice], now)
    return [notice, *enqueue_events(after, queue, now, reason="after_hours", priority=priority)]


def _system_message(interaction: Interaction, text: str) -> ie.MessageSent:
    return ie.MessageSent(
        interaction_id=interaction.id,
        message_id=str(uuid.uuid4()),
        channel=interaction.channel,
        author="system",
        text=text,
    )


def _waiting(queue_id: int) -> int:
    from contactcenter.interactions.models import Interaction as Row

    return Row.objects.filter(queue_id=queue_id, state__in=["queued", "offered"]).count()
