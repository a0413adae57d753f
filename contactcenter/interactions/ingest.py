"""`ingest`: the one entry point every channel adapter calls with what a customer sent.

It identifies (or registers) the customer from the sender's identity, finds the interaction the
message belongs to (the adapter's explicit answer, else its threading key), reopens or starts
one as the rules say, and appends the message, all in one transaction. A message with a
provider id is appended once however often the provider redelivers it.
"""

import copy
import dataclasses
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import nh3
from django.conf import settings

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events import projections, row_statements, store
from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent
from contactcenter.interactions import events as ev
from contactcenter.interactions.commands import folded_with_start, from_row
from contactcenter.interactions.domain import (
    ENDED,
    Interaction,
    ReopenWindowPassed,
    State,
    opening_key,
)
from contactcenter.interactions.models import Interaction as InteractionRow
from contactcenter.interactions.models import ThreadKey, TranscriptEntry
from crm import customers
from crm.identities import Identity, normalise
from crm.models import ContactIdentity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    size: int
    storage_key: str = ""  # where Django's storage keeps it
    inline: bool = False
    content_id: str = ""
    url: str = ""  # for media the provider hosts (MMS, Slack files)

    def as_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", False)} | {
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
        }


@dataclass(frozen=True)
class InboundMessage:
    """What an adapter hands over, in one shape for every channel."""

    channel: str  # webchat, email, sms, voice, slack
    channel_key: str  # the configured channel it arrived on
    sender_kind: str  # identity kind: email, phone, slack, web
    sender_address: str
    sender_name: str = ""
    threading_key: str = ""  # which conversation, in the channel's own terms
    interaction_id: str | None = None  # when the adapter has already threaded it
    external_id: str = ""  # the provider's id for the message: the idempotency key
    # The sender's own client chose external_id (web chat): it means something only within
    # one conversation of one sender, so it neither collides with another visitor's message
    # nor makes a later conversation's message look like a resend (`key_within`).
    id_from_sender: bool = False
    text: str = ""
    html: str = ""  # sanitised here whatever the adapter did
    subject: str = ""
    attachments: tuple[Attachment, ...] = ()
    channel_data: dict[str, Any] = field(default_factory=dict)
    automated: bool = False  # auto-reply, bounce: joins a conversation, never starts one
    start_new: bool = False  # start a new interaction even if the thread has one
    reopen_window_seconds: int | None = None  # the channel's own window; None: the global one

    @property
    def idempotency_key(self) -> str | None:
        """A provider's id, unique on its channel. A sender's own id has no key of its own."""
        if not self.external_id or self.id_from_sender:
            return None
        return f"in:{self.channel}:{self.channel_key}:{self.external_id}"

    def key_within(self, scope: str) -> str | None:
        """A sender's own id, keyed within one conversation (`scope`): the interaction it
        joins, or `after:<previous>` for the one it starts."""
        if not self.external_id or not self.id_from_sender:
            return self.idempotency_key
        return (
            f"in:{self.channel}:{self.channel_key}:{self.sender_address}:{scope}:{self.external_id}"
        )


@dataclass(frozen=True)
class IngestResult:
    customer_id: str = ""
    interaction_id: str = ""
    message_id: str = ""
    created: bool = False
    reopened: bool = False
    duplicate: bool = False
    dropped: str = ""  # why nothing was appended, when nothing was


# Called inside the ingest transaction for every interaction that starts or reopens, so it
# is admitted (self-service or a queue) atomically with its first message. Routing registers.
Admitter = Callable[[Interaction, InboundMessage], list[DomainEvent]]
_admitters: list[Admitter] = []


def on_admission(admitter: Admitter) -> None:
    if admitter not in _admitters:
        _admitters.append(admitter)


# Called inside the ingest transaction for a message to an interaction in self-service, so the
# flow answers it atomically with its arrival (routing.flows registers). Same shape as an
# Admitter: the interaction as it will be with the message, and the message.
_self_service: list[Admitter] = []


def on_self_service_message(handler: Admitter) -> None:
    if handler not in _self_service:
        _self_service.append(handler)


@command
def ingest(message: InboundMessage) -> IngestResult:
    key = message.idempotency_key
    if key and (prior := store.find_key(key)) is not None:
        return _duplicate(prior.data.get("interaction_id", ""), message)
    identity = normalise(
        message.sender_kind,
        message.sender_address,
        display_name=message.sender_name,
        region=settings.DEFAULT_PHONE_REGION,
    )
    current, opening, held = _current_interaction(message, identity)
    registration = None
    if message.automated:
        # A robot's message (a bounce, an auto-reply) may join a conversation but starts
        # none, and its sender is not registered as a customer for it.
        customer_id = customers.find(identity) or ""
    else:
        customer_id, registration = customers.find_or_register(identity)
    now = clock.now()
    received = _message_event(message, identity.address)
    previous_id = ""
    if current is not None and not message.start_new:
        try:
            events = current.receive(
                _for(received, current.id),
                now=now,
                reopen_window=timedelta(seconds=_reopen_window(message)),
            )
        except ReopenWindowPassed as late:
            log.info("%s; starting a new one", late)
            previous_id = current.id
        else:
            if _maybe_resent(message, current, opening) and _received(
                current.id, message.external_id
            ):
                return _duplicate(current.id, message)  # a resend, into the same conversation
            reopened = isinstance(events[0], ev.InteractionReopened)
            if reopened:
                events += _admit(current, events, message)
            elif current.state is State.SELF_SERVICE and not message.automated:
                events += _admit(current, events, message, _self_service)
            _append(current, events, message.key_within(current.id), registration, held)
            return IngestResult(
                customer_id=customer_id or current.customer_id,
                interaction_id=current.id,
                message_id=received.message_id,
                reopened=reopened,
            )
    elif current is not None:
        previous_id = current.id

    if message.automated:
        log.info(
            "automated %s message from %s (%s) joins no conversation: not starting one",
            message.channel,
            identity.address,
            message.external_id or "no id",
        )
        return IngestResult(customer_id=customer_id, dropped="automated message, no conversation")

    interaction_id = str(uuid.uuid4())
    events = Interaction.create(
        interaction_id,
        channel=message.channel,
        channel_key=message.channel_key,
        customer_id=customer_id,
        threading_key=message.threading_key,
        subject=message.subject,
        previous_interaction_id=previous_id,
    )
    events.append(_for(received, interaction_id))
    events += _admit(Interaction(), events, message)
    # Two copies of a first message at once (two tabs resending it) share this key: the
    # second waits, retries, and finds the first in the interaction it started. The thread
    # key read above is the row the projection points at the new interaction.
    _append(
        Interaction(id=interaction_id),
        events,
        message.key_within(f"after:{previous_id}"),
        registration,
        held,
    )
    return IngestResult(
        customer_id=customer_id,
        interaction_id=interaction_id,
        message_id=received.message_id,
        created=True,
    )


@dataclass(frozen=True)
class Opening:
    """How a conversation was started: the digest of the key its stream was started under
    (domain.opening_key; blank if none, or if it was not started by InteractionCreated) and
    the conversation it followed."""

    key: str
    previous_id: str

    @classmethod
    def of(cls, created: RecordedEvent) -> "Opening":
        if created.type != "InteractionCreated":
            return cls("", "")
        return cls(
            opening_key(created.idempotency_key), created.data.get("previous_interaction_id", "")
        )


def _maybe_resent(message: InboundMessage, current: Interaction, opening: Opening) -> bool:
    """Whether a sender's own id may name a message the conversation has already, so that
    its transcript is worth a look (a statement every message paid before, issue 18):
    - the conversation's first message: it started the conversation under the key
      `after:<previous>`, which its `opening` holds;
    - a later one, appended under `key_within(current.id)`: the unique index refuses it
      again, and the command's retry comes here with that key refused.
    """
    if not message.id_from_sender or not message.external_id:
        return False
    if not store.retried_whole():  # a caller that cannot come back after a refusal: look
        return True
    if store.refused_before(message.key_within(current.id)):
        return True
    if not opening.key:  # no key known for the stream's start: look, to be sure
        return True
    return opening.key == opening_key(message.key_within(f"after:{opening.previous_id}"))


def _received(interaction_id: str, external_id: str) -> str:
    """The id of the message with this external id the interaction already has, if any."""
    if not external_id:
        return ""
    found = row_statements.where(  # at every message: in SQL made once
        TranscriptEntry,
        names=("id",),
        interaction_id=interaction_id,
        kind=TranscriptEntry.Kind.INBOUND,
        external_id=external_id,
        order_by=("occurred_at", "position"),  # the ORM's first(), by the model's ordering
        limit=1,
    )
    return found[0][0] if found else ""


def _duplicate(interaction_id: str, message: InboundMessage) -> IngestResult:
    """Appended before: the answer names the message as it was first received (the event
    holding the key may be the one that started or reopened the interaction)."""
    return IngestResult(
        interaction_id=interaction_id,
        message_id=_received(interaction_id, message.external_id),
        duplicate=True,
    )


def _reopen_window(message: InboundMessage) -> int:
    if message.reopen_window_seconds is not None:
        return message.reopen_window_seconds
    return settings.REOPEN_WINDOW_SECONDS


# The states whose decisions on a message read more than the row holds (reopening, a flow).
DECIDED_FROM_THE_STREAM = ENDED | {State.SELF_SERVICE}


def _current_interaction(
    message: InboundMessage, identity: Identity
) -> tuple[Interaction | None, Opening | None, dict]:
    """The interaction the message joins, if any, and how it was started; and the rows read
    to find it (the thread key's, None if there is none, and the interaction's), by model and
    key, for the projection to write without reading them again. The sender's identity is
    read in the same statement, for `customers.find` to answer from.

    A conversation still open is decided from its row, read with the thread key: a message
    into it needs only its state and version (the row follows every event of the stream) and
    how it was started. One that ended or is in self-service, where the message may reopen
    it or go to its flow, is folded from its stream, whose decisions read more."""
    interaction_id, held, row = message.interaction_id, {}, None
    if not interaction_id and message.threading_key:
        key = ThreadKey.make(message.channel, message.channel_key, message.threading_key)
        # With the rows the message's projections read by the conversation (its mood), and
        # the sender's identity, which `customers.find` then answers from (unless asked
        # already in this request: a web chat's first message asks for the name it had).
        alongside = projections.rows_read("MessageReceived", "interaction_id")
        keyed = {} if customers.answered(identity) else {ContactIdentity: identity.key}
        thread, row, read = row_statements.referenced_with(
            ThreadKey, key, "interaction_id", InteractionRow, alongside, keyed
        )
        if ContactIdentity in read:
            customers.read_with(identity, read[ContactIdentity])
        held = {ThreadKey: {key: thread}}
        if row is not None:
            held[InteractionRow] = {row.id: row}
            held.update({model: {row.id: read[model]} for model in alongside})
        interaction_id = thread.interaction_id if thread else None
    if not interaction_id:
        return None, None, held
    if row is not None and State(row.state) not in DECIDED_FROM_THE_STREAM:
        return from_row(row), Opening(row.opening_key, row.previous_interaction_id), held
    interaction, created = folded_with_start(interaction_id)
    if interaction.state is None:
        return None, None, held
    return interaction, Opening.of(created), held


def _append(
    interaction: Interaction,
    events: list[DomainEvent],
    idempotency_key: str | None,
    registration: customers.Registration | None,
    held: dict,
) -> None:
    """The interaction's events, after the registration of a customer first heard from now:
    one INSERT and one write of projection rows for both, where two appends cost four
    statements and a read of the customer's new row back (issue 18)."""
    decisions: list[tuple[Any, list[DomainEvent]]] = [(interaction, events)]
    if registration is not None:
        decisions.insert(0, (registration.stream, registration.events))
    aggregates.append_many(
        decisions, idempotency_keys={interaction.stream_id: idempotency_key}, held=held
    )
    if registration is not None:
        registration.appended()


def _message_event(message: InboundMessage, sender: str) -> ev.MessageReceived:
    return ev.MessageReceived(
        interaction_id="",
        message_id=str(uuid.uuid4()),
        channel=message.channel,
        sender=sender,
        sender_name=message.sender_name,
        text=message.text,
        html=nh3.clean(message.html) if message.html else "",
        subject=message.subject,
        attachments=[a.as_data() for a in message.attachments],
        external_id=message.external_id,
        channel_data=message.channel_data,
        automated=message.automated,
    )


def _for(message: ev.MessageReceived, interaction_id: str) -> ev.MessageReceived:
    return dataclasses.replace(message, interaction_id=interaction_id)


def _admit(
    interaction: Interaction,
    pending: list[DomainEvent],
    message: InboundMessage,
    hooks: list[Admitter] = _admitters,
) -> list[DomainEvent]:
    """Ask routing what happens next to a new or reopened interaction (state + `pending`)."""
    state = copy.deepcopy(interaction)
    now = clock.now()
    for event in pending:
        state.apply(event, now)
    admitted: list[DomainEvent] = []
    for admitter in hooks:
        for event in admitter(state, message):
            state.apply(event, now)
            admitted.append(event)
    return admitted
