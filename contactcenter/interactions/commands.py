"""Commands on one interaction: load it from its stream, let the domain decide, append.

Moving an interaction through routing (offers, transfer, end, wrap-up, abandon) is
`routing.offers`; what people may do to it is `contactcenter.actions.interactions`."""

import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import Model

from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events import store
from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent
from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import (
    CLIENT_MESSAGE_ID_MAX_CHARS,
    Interaction,
    InvalidTransition,
    State,
    require_length,
    stream_id,
)
from contactcenter.interactions.models import Interaction as InteractionRow


def load(interaction_id: str) -> Interaction:
    interaction = folded(interaction_id)
    if interaction.state is None:
        raise InvalidTransition("find the interaction", None, interaction_id)
    return interaction


def folded(interaction_id: str) -> Interaction:
    """The interaction as its stream's events fold it (its state None if there is none)."""
    return folded_with_start(interaction_id)[0]


def folded_with_start(interaction_id: str) -> tuple[Interaction, RecordedEvent | None]:
    """`folded`, and the first event of the stream (with the idempotency key it was
    appended under), None if there is none."""
    head, events = store.fold_stream(stream_id(interaction_id), Interaction.FOLDS)
    return Interaction.from_events(events, head), (events[0] if events else None)


def from_row(row) -> Interaction:
    """The aggregate from its inline projection row: the same state, read in one query. The
    row is written in the transaction that appends each event, so it is never behind the
    stream; its version makes an append from it as safe as one from the stream."""
    return Interaction(
        id=row.id,
        version=row.version,
        state=State(row.state),
        channel=row.channel,
        channel_key=row.channel_key,
        direction=row.direction,
        customer_id=row.customer_id,
        queue_id=row.queue_id,
        priority=row.priority,
        required_skills=dict(row.required_skills),
        preferred_agent_id=row.preferred_agent_id,
        supervisors_only=row.supervisors_only,
        agent_id=row.agent_id,
        offer_id=row.offer_id,
        offer_agent_id=row.offer_agent_id,
        created_at=row.created_at,
        first_queued_at=row.first_queued_at,
        queued_at=row.queued_at,
        ended_at=row.ended_at,
        last_agent_id=row.last_agent_id,
        declined_by=set(row.declined_by),
        customer_away=row.customer_away,
        read_position=row.read_position,
    )


def decide_and_append(
    interaction_id: str,
    decide: Callable[[Interaction], list[DomainEvent]],
    *,
    idempotency_key: str | None = None,
    row: InteractionRow | None = None,
    row_suffices: bool = False,
    held: dict[type[Model], dict[Any, Model | None]] | None = None,
) -> list[RecordedEvent]:
    """The one shape of every interaction command (call it inside a @command). `row`: the
    interaction's row, if the command read it already in its transaction (the projection
    writes it without reading it again). `row_suffices`: `decide` reads only what the row
    holds (`from_row`), so the stream is not read. `held`: other rows the transaction read
    already, by model and key (None: there is none), which the projections take as they are."""
    interaction = from_row(row) if row is not None and row_suffices else load(interaction_id)
    held = dict(held or {})
    if row is not None:
        held[InteractionRow] = {row.pk: row}
    return aggregates.append(
        interaction, decide(interaction), idempotency_key=idempotency_key, held=held
    )


@command
def send_message(
    interaction_id: str,
    *,
    author: str,
    author_name: str = "",
    text: str = "",
    html: str = "",
    subject: str = "",
    attachments: list[dict] | None = None,
    channel_data: dict | None = None,
    client_message_id: str | None = None,
) -> str:
    """A reply to the customer on the interaction's own channel; returns the message id.

    `client_message_id` makes a resent reply (after a reconnect, say) append nothing new.
    """
    message_id = str(uuid.uuid4())

    def decide(interaction: Interaction) -> list[DomainEvent]:
        return interaction.send(
            ev.MessageSent(
                interaction_id=interaction_id,
                message_id=message_id,
                channel=interaction.channel,
                author=author,
                author_name=author_name,
                text=text,
                html=html,
                subject=subject,
                attachments=attachments or [],
                channel_data=channel_data or {},
            )
        )

    if client_message_id:
        require_length("a client message id", client_message_id, CLIENT_MESSAGE_ID_MAX_CHARS)
    # The client's id means something within one interaction only: reused on another it is
    # a new reply, not a resend.
    key = f"send:{interaction_id}:{author}:{client_message_id}" if client_message_id else None
    if key:
        prior = store.find_key(key)
        if prior is not None:
            return prior.data["message_id"]
    decide_and_append(interaction_id, decide, idempotency_key=key)
    return message_id


@command
def start_outbound(
    *,
    channel: str,
    channel_key: str,
    customer_id: str,
    agent_id: int,
    queue_id: int | None = None,
    subject: str = "",
    threading_key: str = "",
    interaction_id: str = "",
) -> str:
    """An agent starts a conversation with a customer; returns the new interaction's id. Send
    its first message with `send_message` (in the same command, to make both one fact). A
    caller may choose the id first: a call placed before it names it in its answer URL."""
    interaction_id = interaction_id or str(uuid.uuid4())
    events = Interaction.start_outbound(
        interaction_id,
        channel=channel,
        channel_key=channel_key,
        customer_id=customer_id,
        agent_id=agent_id,
        queue_id=queue_id,
        subject=subject,
        threading_key=threading_key,
    )
    aggregates.append(Interaction(id=interaction_id), events)
    return interaction_id


@command
def add_note(
    interaction_id: str, text: str, *, author: str, author_name: str = "", audience: str = "team"
) -> str:
    note_id = str(uuid.uuid4())
    decide_and_append(
        interaction_id,
        lambda i: i.add_note(
            ev.InternalNoteAdded(
                interaction_id=interaction_id,
                note_id=note_id,
                author=author,
                author_name=author_name,
                text=text,
                audience=audience,
            )
        ),
    )
    return note_id


@command
def mark_read(
    interaction_id: str, *, agent_id: int, message_id: str, message_position: int
) -> bool:
    """The agent was shown the customer's messages up to `message_id`; True when that was
    news to the customer (a read receipt appended), False when it changed nothing."""
    return bool(
        decide_and_append(interaction_id, lambda i: i.read(agent_id, message_id, message_position))
    )


@command
def close(interaction_id: str, reason: str) -> None:
    decide_and_append(interaction_id, lambda i: i.close(reason))


@command
def record_delivery(
    interaction_id: str,
    message_id: str,
    *,
    status: str,
    reason: str = "",
    attempts: int = 1,
    external_id: str = "",
    idempotency_key: str | None = None,
) -> bool:
    """A delivery status from the channel; False if this exact report was seen before."""
    if idempotency_key and store.find_key(idempotency_key):
        return False
    if status == "failed":
        event: DomainEvent = ev.MessageDeliveryFailed(
            interaction_id=interaction_id,
            message_id=message_id,
            reason=reason,
            attempts=attempts,
            external_id=external_id,
        )
    else:
        event = ev.MessageDelivered(
            interaction_id=interaction_id,
            message_id=message_id,
            status=status,
            external_id=external_id,
        )
    decide_and_append(interaction_id, lambda i: [event], idempotency_key=idempotency_key)
    return True
