"""Events of the interaction stream (`interaction-<id>`). docs/events.md describes each."""

from dataclasses import dataclass, field
from typing import Any, ClassVar

from contactcenter.events.types import DomainEvent, added_fields


@dataclass(frozen=True, kw_only=True)
class InteractionCreated(DomainEvent):
    interaction_id: str
    channel: str  # webchat, email, sms, voice, slack
    channel_key: str  # which configured channel of that kind
    direction: str = "inbound"  # or "outbound"
    customer_id: str
    threading_key: str = ""
    subject: str = ""
    previous_interaction_id: str = ""  # set when a late reply starts a new, linked interaction


@dataclass(frozen=True, kw_only=True)
class MessageReceived(DomainEvent):
    """A message from the customer."""

    schema_version: ClassVar[int] = 2  # v1 had no units

    interaction_id: str
    message_id: str
    channel: str
    sender: str  # the identity address it came from
    sender_name: str = ""
    text: str = ""
    html: str = ""  # sanitised
    subject: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    external_id: str = ""  # the provider's id for it
    channel_data: dict[str, Any] = field(default_factory=dict)
    automated: bool = False  # an auto-reply or bounce: recorded, never answered
    units: int | None = None  # what the provider bills for it (see MessageSent)


@dataclass(frozen=True, kw_only=True)
class MessageSent(DomainEvent):
    """A message to the customer, by an agent, a supervisor or the system; the channel's
    adapter delivers it after the commit (the log is the outbox)."""

    schema_version: ClassVar[int] = 2  # v1 had no units

    interaction_id: str
    message_id: str
    channel: str
    author: str  # "agent:<user id>", "system", "flow"
    author_name: str = ""
    text: str = ""
    html: str = ""
    subject: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    channel_data: dict[str, Any] = field(default_factory=dict)
    # What the channel's provider bills for it (SMS segments), counted as it is appended
    # (channels_adapters.base.with_billed_units): not personal, so the cost of a conversation
    # outlives the erasure of its words. None: not billed by units, or written before.
    units: int | None = None


@dataclass(frozen=True, kw_only=True)
class MessageDelivered(DomainEvent):
    interaction_id: str
    message_id: str
    status: str = "delivered"  # the provider's word: sent, delivered, read
    external_id: str = ""


@dataclass(frozen=True, kw_only=True)
class MessageDeliveryFailed(DomainEvent):
    interaction_id: str
    message_id: str
    reason: str
    attempts: int = 1
    external_id: str = ""


@dataclass(frozen=True, kw_only=True)
class MessagesRead(DomainEvent):
    """The agent handling the conversation has seen the customer's messages up to this one
    (their console showed it to them): the customer's read receipt."""

    interaction_id: str
    agent_id: int
    message_id: str  # the last customer message read
    message_position: int  # the log position of that message, for ordering reads


@dataclass(frozen=True, kw_only=True)
class InternalNoteAdded(DomainEvent):
    """A note on the interaction that the customer never sees."""

    interaction_id: str
    note_id: str
    author: str
    author_name: str = ""
    text: str
    audience: str = "team"  # "team", or "agent" for a supervisor's whisper


@dataclass(frozen=True, kw_only=True)
class SelfServiceStarted(DomainEvent):
    interaction_id: str
    flow: str


@dataclass(frozen=True, kw_only=True)
class InteractionQueued(DomainEvent):
    schema_version: ClassVar[int] = (
        2  # v1 had no supervisors_only, overflow_at, sl_threshold_seconds
    )
    interaction_id: str
    queue_id: int
    priority: int = 0
    required_skills: dict[str, int] = field(default_factory=dict)  # skill -> minimum level
    preferred_agent_id: int | None = None
    supervisors_only: bool = False  # an escalation: only supervisors may take it
    reason: str = "arrived"  # arrived, transferred, reopened, overflow, after_hours
    overflow_at: list[str] = field(default_factory=list)  # ISO times the queue's steps apply
    # The queue's service-level threshold when it was queued: the promise KPIs measure against
    # (configuration is not in the log). None in events written before it was recorded.
    sl_threshold_seconds: int | None = None


@dataclass(frozen=True, kw_only=True)
class OfferCreated(DomainEvent):
    schema_version: ClassVar[int] = 2  # v1 had no channel
    interaction_id: str
    offer_id: str
    agent_id: int
    queue_id: int
    channel: str = ""
    expires_at: str  # ISO 8601
    decision: dict[str, Any] = field(default_factory=dict)  # why this agent: see routing


@dataclass(frozen=True, kw_only=True)
class OfferAccepted(DomainEvent):
    interaction_id: str
    offer_id: str
    agent_id: int


@dataclass(frozen=True, kw_only=True)
class OfferRejected(DomainEvent):
    interaction_id: str
    offer_id: str
    agent_id: int
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OfferTimedOut(DomainEvent):
    interaction_id: str
    offer_id: str
    agent_id: int


@dataclass(frozen=True, kw_only=True)
class OfferRescinded(DomainEvent):
    """The offer was withdrawn before an answer (the customer left, a supervisor took it)."""

    interaction_id: str
    offer_id: str
    agent_id: int
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class InteractionAssigned(DomainEvent):
    """Handed straight to an agent without an offer (a supervisor's hand assignment)."""

    schema_version: ClassVar[int] = 2  # v1 had no channel

    interaction_id: str
    agent_id: int
    queue_id: int | None = None
    channel: str = ""


@dataclass(frozen=True, kw_only=True)
class InteractionTransferred(DomainEvent):
    interaction_id: str
    from_agent_id: int | None
    kind: str  # "queue", "agent" or "supervisor"
    to_queue_id: int | None = None
    to_agent_id: int | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class WrapUpStarted(DomainEvent):
    schema_version: ClassVar[int] = 2  # v1 had no deadline
    interaction_id: str
    agent_id: int
    reason: str = "agent_ended"  # agent_ended, customer_left
    deadline: str = ""  # ISO time the queue's wrap-up limit ends it, or empty


@dataclass(frozen=True, kw_only=True)
class WrapUpCompleted(DomainEvent):
    schema_version: ClassVar[int] = 2  # v1 had no call_back_at
    interaction_id: str
    agent_id: int
    disposition: str
    notes: str = ""
    follow_up_on: str = ""  # ISO date, or empty
    call_back_at: str = ""  # ISO time, or empty: the follow-up comes due then
    timed_out: bool = False


@dataclass(frozen=True, kw_only=True)
class InteractionClosed(DomainEvent):
    schema_version: ClassVar[int] = 2  # v1 had no agent_id
    interaction_id: str
    reason: str = "wrapped_up"  # wrapped_up, self_service, closed_by_agent, spam, api
    agent_id: int | None = None  # the agent who still had it, when closed without wrap-up


@dataclass(frozen=True, kw_only=True)
class InteractionAbandoned(DomainEvent):
    """The customer left before an agent answered."""

    interaction_id: str
    reason: str = "customer_left"
    waited_seconds: float = 0.0


@dataclass(frozen=True, kw_only=True)
class OverflowStepReached(DomainEvent):
    """A waiting interaction reached one of its queue's overflow steps."""

    interaction_id: str
    queue_id: int
    step: int  # index in the queue's steps, from 0
    action: str  # relax_skill, add_queue_agents, move_to_queue
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class InteractionReopened(DomainEvent):
    interaction_id: str
    reason: str = "customer_replied"


@dataclass(frozen=True, kw_only=True)
class CustomerLeft(DomainEvent):
    """The customer's live connection went away (a chat window closed, the network dropped);
    unless they come back before `grace_until`, a waiting interaction is abandoned."""

    interaction_id: str
    grace_until: str = ""  # ISO time; empty when the conversation had already begun


@dataclass(frozen=True, kw_only=True)
class CustomerReturned(DomainEvent):
    interaction_id: str


@dataclass(frozen=True, kw_only=True)
class CsatRated(DomainEvent):
    """The customer's satisfaction rating, asked when the conversation closed."""

    interaction_id: str
    rating: int  # 1..5
    comment: str = ""


@dataclass(frozen=True, kw_only=True)
class CsatSurveySent(DomainEvent):
    """The customer was asked to rate the conversation on its own channel (a text, a mail
    with rating links, Slack buttons, a keypad question on the call): once per interaction,
    so a redelivered close or a second survey worker asks nothing again."""

    interaction_id: str
    channel: str
    message_id: str = ""  # the survey's MessageSent, when the survey is a message


@dataclass(frozen=True, kw_only=True)
class TranscriptEmailed(DomainEvent):
    interaction_id: str
    to: str


@dataclass(frozen=True, kw_only=True)
class TranscriptLinkEmailed(DomainEvent):
    """The visitor asked for the transcript at an address they had not given before the chat:
    a link went there first, and the transcript follows only if it is opened."""

    interaction_id: str
    to: str


# Upcasters: fields added since events were first stored (docs/events.md, schema versions).
added_fields(
    "InteractionQueued",
    from_version=1,
    supervisors_only=False,
    overflow_at=[],
    sl_threshold_seconds=None,
)
added_fields("OfferCreated", from_version=1, channel="")
added_fields("InteractionAssigned", from_version=1, channel="")
added_fields("WrapUpStarted", from_version=1, deadline="")
added_fields("InteractionClosed", from_version=1, agent_id=None)
added_fields("WrapUpCompleted", from_version=1, call_back_at="")
added_fields("MessageReceived", from_version=1, units=None)
added_fields("MessageSent", from_version=1, units=None)
