"""Routing commands on an interaction: queue it, offer it, accept, reject, time out, transfer,
end, wrap up. Each loads the interaction from its stream, lets the domain decide, appends."""

import copy
from datetime import datetime, timedelta

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events.types import DomainEvent
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError, Interaction
from contactcenter.interactions.models import Interaction as InteractionRow
from routing import config, presence
from routing.config import QueueConfig
from routing.models import AgentState

WRAP_UP_TIMEOUT = "wrap_up_timeout"


def queue_config(queue_id: int | None) -> QueueConfig:
    queue = config.queue(queue_id)
    if queue is None:
        raise DomainError(f"no queue {queue_id}")
    return queue


def enqueue_events(
    interaction: Interaction,
    queue: QueueConfig,
    now: datetime,
    *,
    reason: str,
    priority: int | None = None,
    preferred_agent_id: int | None = None,
    supervisors_only: bool = False,
    required_skills: dict[str, int] | None = None,
) -> list[DomainEvent]:
    """The events that put `interaction` in `queue`, with its overflow schedule.
    `required_skills`: beyond the queue's own (a flow's answers, say)."""
    if interaction.channel not in queue.channels:
        raise DomainError(f"queue {queue.name} does not take {interaction.channel}")
    return interaction.enqueue(
        queue.queue_id,
        priority=queue.priority if priority is None else priority,
        required_skills=required_skills,
        preferred_agent_id=preferred_agent_id,
        supervisors_only=supervisors_only,
        reason=reason,
        overflow_at=[now + timedelta(seconds=rule.after_seconds) for rule in queue.overflow],
        sl_threshold_seconds=queue.sl_threshold_seconds,
    )


def then(interaction: Interaction, events: list[DomainEvent], at: datetime) -> Interaction:
    """`interaction` as it will be once `events` are appended."""
    after = copy.deepcopy(interaction)
    for event in events:
        after.apply(event, at)
    return after


@command
def enqueue(interaction_id: str, queue_id: int, reason: str = "arrived") -> None:
    now = clock.now()
    interactions.decide_and_append(
        interaction_id, lambda i: enqueue_events(i, queue_config(queue_id), now, reason=reason)
    )


@command
def accept_offer(
    interaction_id: str,
    offer_id: str,
    agent_id: int,
    row: InteractionRow | None = None,
    agent_state: AgentState | None = None,
) -> None:
    """`row`: the interaction's, read in this transaction already (the actions layer's check):
    the accept is decided from it (the offer's id and agent, its state), the stream unread.
    With it, `agent_state`: the state row of the agent it is offered to, read with it (None:
    there is none), which the projection takes as it is if that agent is the one accepting."""
    held = {}
    if row is not None and row.offer_agent_id == agent_id:
        held[AgentState] = {agent_id: agent_state}
    interactions.decide_and_append(
        interaction_id,
        lambda i: i.accept(offer_id, agent_id),
        row=row,
        row_suffices=True,
        held=held,
    )


@command
def reject_offer(interaction_id: str, offer_id: str, agent_id: int, reason: str = "") -> None:
    interactions.decide_and_append(interaction_id, lambda i: i.reject(offer_id, agent_id, reason))


@command
def time_out_offer(interaction_id: str, offer_id: str) -> None:
    """The agent let the offer expire: back to the queue, and after too many misses in a row
    the agent is set away so work stops going to an empty chair."""
    interaction = interactions.load(interaction_id)
    events = interaction.time_out(offer_id)
    aggregates.append(interaction, events)
    agent_id = events[0].agent_id
    queue = config.queue(interaction.queue_id)
    state = AgentState.objects.filter(pk=agent_id).first()
    limit = queue.missed_offers_before_away if queue else 3
    if state is not None and state.presence == "available" and state.missed_in_a_row >= limit:
        presence.set_presence(agent_id, "away", presence.MISSED_OFFERS, changed_by="system")


@command
def transfer(
    interaction_id: str,
    *,
    by_agent_id: int,
    kind: str,
    to_queue_id: int | None = None,
    to_agent_id: int | None = None,
    note: str = "",
) -> None:
    """To a queue, to an agent, or up to a supervisor; it keeps its original age."""
    now = clock.now()
    snapshot = config.current()
    if to_agent_id is not None and to_agent_id not in snapshot.agents:
        raise DomainError(f"user {to_agent_id} is not an agent")

    def decide(interaction: Interaction) -> list[DomainEvent]:
        if interaction.agent_id != by_agent_id:
            raise DomainError("only the agent handling the interaction can transfer it")
        events = interaction.transfer(
            by_agent_id=by_agent_id,
            kind=kind,
            to_queue_id=to_queue_id,
            to_agent_id=to_agent_id,
            note=note,
        )
        queue = queue_config(to_queue_id or interaction.queue_id)
        return events + enqueue_events(
            then(interaction, events, now),
            queue,
            now,
            reason="transferred" if kind != "supervisor" else "escalated",
            priority=interaction.priority,
            preferred_agent_id=to_agent_id,
            supervisors_only=kind == "supervisor",
        )

    interactions.decide_and_append(interaction_id, decide)


@command
def hand_over(interaction_id: str, *, by_agent_id: int, to_agent_id: int, note: str = "") -> None:
    """A warm transfer: straight to a colleague who is already with the customer (a consult
    on a call), without waiting in line; the interaction keeps its queue."""
    if to_agent_id not in config.current().agents:
        raise DomainError(f"user {to_agent_id} is not an agent")
    now = clock.now()

    def decide(interaction: Interaction) -> list[DomainEvent]:
        if interaction.agent_id != by_agent_id:
            raise DomainError("only the agent handling the interaction can hand it over")
        events = interaction.transfer(
            by_agent_id=by_agent_id, kind="agent", to_agent_id=to_agent_id, note=note
        )
        after = then(interaction, events, now)
        return events + after.assign(to_agent_id, queue_id=interaction.queue_id)

    interactions.decide_and_append(interaction_id, decide)


@command
def end_conversation(interaction_id: str, agent_id: int, reason: str = "agent_ended") -> None:
    now = clock.now()

    def decide(interaction: Interaction) -> list[DomainEvent]:
        if interaction.agent_id != agent_id:
            raise DomainError("only the agent handling the interaction can end it")
        return interaction.end(agent_id, reason, deadline=_wrap_up_deadline(interaction, now))

    interactions.decide_and_append(interaction_id, decide)


def _wrap_up_deadline(interaction: Interaction, now: datetime) -> datetime | None:
    queue = config.queue(interaction.queue_id)
    if queue is None or not queue.wrap_up_limit_seconds:
        return None
    return now + timedelta(seconds=queue.wrap_up_limit_seconds)


@command
def wrap_up(
    interaction_id: str,
    agent_id: int,
    *,
    disposition: str,
    notes: str = "",
    follow_up_on: str = "",
    call_back_at: str = "",
) -> None:
    def decide(interaction: Interaction) -> list[DomainEvent]:
        queue = config.queue(interaction.queue_id)
        allowed = {code for code, _ in queue.dispositions} if queue else set()
        if allowed and disposition not in allowed:
            raise DomainError(
                f"{disposition!r} is not a disposition of queue {queue.name}; "
                f"use one of {', '.join(sorted(allowed))}"
            )
        return interaction.wrap_up(
            agent_id,
            disposition=disposition,
            notes=notes,
            follow_up_on=follow_up_on,
            call_back_at=call_back_at,
        )

    interactions.decide_and_append(interaction_id, decide)


@command
def expire_wrap_up(interaction_id: str) -> None:
    """The queue's wrap-up time ran out: wrap-up ends on its own, so the agent's capacity
    comes back even if they forgot."""

    def decide(interaction: Interaction) -> list[DomainEvent]:
        agent_id = interaction.agent_id or interaction.last_agent_id or 0
        return interaction.wrap_up(agent_id, disposition=WRAP_UP_TIMEOUT, timed_out=True)

    interactions.decide_and_append(interaction_id, decide)


@command
def abandon(interaction_id: str, reason: str = "customer_left") -> None:
    """The customer left: abandoned if nobody had answered, else the agent's wrap-up starts."""
    now = clock.now()

    def decide(interaction: Interaction) -> list[DomainEvent]:
        events = interaction.abandon(now=now, reason=reason)
        if events and events[0].type == "WrapUpStarted":
            return interaction.end(
                interaction.agent_id or 0, "customer_left", _wrap_up_deadline(interaction, now)
            )
        return events

    interactions.decide_and_append(interaction_id, decide)


@command
def reach_overflow_step(interaction_id: str, step: int) -> None:
    now = clock.now()

    def decide(interaction: Interaction) -> list[DomainEvent]:
        queue = queue_config(interaction.queue_id)
        if step >= len(queue.overflow):
            return interaction.reach_overflow_step(step, "none", {"note": "step was removed"})
        rule = queue.overflow[step]
        detail = {
            "after_seconds": rule.after_seconds,
            "skill": rule.skill,
            "relaxed_level": rule.relaxed_level,
            "target_queue_id": rule.target_queue_id,
        }
        events = interaction.reach_overflow_step(step, rule.action, detail)
        if rule.action == "move_to_queue" and interaction.state is not None:
            target = queue_config(rule.target_queue_id)
            after = then(interaction, events, now)
            if after.state.value == "queued":
                events += enqueue_events(
                    after, target, now, reason="overflow", priority=interaction.priority
                )
        return events

    interactions.decide_and_append(interaction_id, decide)


@command
def assign_by_hand(interaction_id: str, agent_id: int) -> None:
    """A supervisor hands a waiting interaction to an agent directly."""
    if agent_id not in config.current().agents:
        raise DomainError(f"user {agent_id} is not an agent")
    interactions.decide_and_append(
        interaction_id, lambda i: i.assign(agent_id, queue_id=i.queue_id)
    )
