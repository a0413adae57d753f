"""The Interaction aggregate: its state machine, as pure decisions over its own events.

    new -> self_service -> queued -> offered -> active -> wrap_up -> closed
                              ^         |          |
                              +-- reject/timeout   +-- transfer (back to queued)
    new, self_service, queued, offered -> abandoned (the customer left before an answer)
    closed, abandoned -> new (reopened by a customer message within the reopen window)

Each decision takes the current state and returns the events to append, or raises a
DomainError that names the command and the state. No I/O: the shell loads, decides, appends.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent
from contactcenter.interactions import events as ev


class State(StrEnum):
    NEW = "new"
    SELF_SERVICE = "self_service"
    QUEUED = "queued"
    OFFERED = "offered"
    ACTIVE = "active"
    WRAP_UP = "wrap_up"
    CLOSED = "closed"
    ABANDONED = "abandoned"


ENDED = frozenset({State.CLOSED, State.ABANDONED})
WAITING = frozenset({State.NEW, State.SELF_SERVICE, State.QUEUED, State.OFFERED})
WITH_AGENT = frozenset({State.ACTIVE, State.WRAP_UP})


class DomainError(Exception):
    """A command that the rules refuse; the message says why, for a person to read."""


# How long what staff type may be. Checked here, where the words become events, so the
# console, the supervisor socket and the API meet the same limits (the API's serializers say
# the same). Customers' own words are limited by their channel (the widget, SMTP's size).
MESSAGE_MAX_CHARS = 40_000
SUBJECT_MAX_CHARS = 500
NOTE_MAX_CHARS = 5_000
CLIENT_MESSAGE_ID_MAX_CHARS = 100  # it becomes part of an idempotency key (255 characters)


def require_length(what: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise DomainError(f"{what} of {len(text)} characters: at most {limit}")


class InvalidTransition(DomainError):
    def __init__(self, command: str, state: State | None, detail: str = ""):
        self.command = command
        self.state = state
        where = f"the interaction is {state}" if state else "the interaction does not exist"
        super().__init__(f"cannot {command}: {where}" + (f" ({detail})" if detail else ""))


class ReopenWindowPassed(DomainError):
    """A reply came after the reopen window: it starts a new interaction linked to this one."""


def stream_id(interaction_id: str) -> str:
    return f"interaction-{interaction_id}"


def opening_key(idempotency_key: str | None) -> str:
    """What an interaction's row keeps of the key its stream was started under: enough to
    tell a resent first message by (ingest), without copying the sender's address, which
    such keys hold, into another table. Blank: none."""
    if not idempotency_key:
        return ""
    return hashlib.blake2b(idempotency_key.encode(), digest_size=16).hexdigest()


@dataclass
class Interaction:
    id: str = ""
    version: int = 0
    state: State | None = None
    channel: str = ""
    channel_key: str = ""
    direction: str = "inbound"
    customer_id: str = ""
    queue_id: int | None = None
    priority: int = 0
    required_skills: dict[str, int] = field(default_factory=dict)
    preferred_agent_id: int | None = None
    supervisors_only: bool = False
    agent_id: int | None = None
    offer_id: str = ""
    offer_agent_id: int | None = None
    created_at: datetime | None = None
    first_queued_at: datetime | None = None  # keeps its age for ordering across transfers
    queued_at: datetime | None = None  # entered its current queue (overflow counts from here)
    ended_at: datetime | None = None
    last_agent_id: int | None = None
    declined_by: set[int] = field(default_factory=set)  # agents who let this one go by
    rated: bool = False
    surveyed_at: datetime | None = None  # asked to rate (CsatSurveySent), once
    customer_away: bool = False
    read_position: int = 0  # of the last customer message its agent was seen to read

    @property
    def stream_id(self) -> str:
        return stream_id(self.id)

    # -- state from events --------------------------------------------------------------

    # The events `apply` folds (a test holds this to its cases). Loading reads only these,
    # with their personal fields as stored (store.fold_stream): the rules decide from what
    # happened, never from what the customer said.
    FOLDS: ClassVar[frozenset[str]] = frozenset(
        {
            "InteractionCreated",
            "InteractionQueued",
            "OfferCreated",
            "OfferAccepted",
            "InteractionAssigned",
            "OfferRejected",
            "OfferTimedOut",
            "OfferRescinded",
            "InteractionTransferred",
            "WrapUpStarted",
            "OverflowStepReached",
            "WrapUpCompleted",
            "InteractionClosed",
            "InteractionAbandoned",
            "InteractionReopened",
            "SelfServiceStarted",
            "CsatRated",
            "CsatSurveySent",
            "CustomerLeft",
            "CustomerReturned",
            "MessagesRead",
        }
    )

    @classmethod
    def from_events(cls, recorded: Iterable[RecordedEvent], head: int = 0) -> "Interaction":
        """Folded from `recorded`; at version `head` where those are not all of the stream's
        events (only FOLDS), else at the last one's."""
        interaction = cls()
        for event in recorded:
            interaction.apply(event.payload, event.occurred_at)
            interaction.version = event.version
        interaction.version = max(interaction.version, head)
        return interaction

    def apply(self, event: DomainEvent, at: datetime) -> None:
        match event:
            case ev.InteractionCreated():
                self.id = event.interaction_id
                self.state = State.NEW
                self.channel = event.channel
                self.channel_key = event.channel_key
                self.direction = event.direction
                self.customer_id = event.customer_id
                self.created_at = at
            case ev.InteractionQueued():
                self.state = State.QUEUED
                self.queue_id = event.queue_id
                self.priority = event.priority
                self.required_skills = dict(event.required_skills)
                self.preferred_agent_id = event.preferred_agent_id
                self.supervisors_only = event.supervisors_only
                self.agent_id = None
                self.queued_at = at
                if self.first_queued_at is None:
                    self.first_queued_at = at
            case ev.OfferCreated():
                self.state = State.OFFERED
                self.offer_id = event.offer_id
                self.offer_agent_id = event.agent_id
            case ev.OfferAccepted():
                self._clear_offer()
                self.state = State.ACTIVE
                self.agent_id = self.last_agent_id = event.agent_id
            case ev.InteractionAssigned():
                self._clear_offer()
                self.state = State.ACTIVE
                self.agent_id = self.last_agent_id = event.agent_id
                if event.queue_id is not None:
                    self.queue_id = event.queue_id
            case ev.OfferRejected() | ev.OfferTimedOut():
                self.declined_by.add(event.agent_id)
                self._clear_offer()
                self.state = State.QUEUED
            case ev.OfferRescinded():
                self._clear_offer()
                self.state = State.QUEUED
            case ev.InteractionTransferred():
                self.state = State.QUEUED
                self.agent_id = None
                self.declined_by = set()
                if event.to_queue_id is not None:
                    self.queue_id = event.to_queue_id
                self.preferred_agent_id = event.to_agent_id
            case ev.WrapUpStarted():
                self.state = State.WRAP_UP
            case ev.OverflowStepReached():
                pass
            case ev.WrapUpCompleted():
                self.agent_id = None
            case ev.InteractionClosed():
                self.state = State.CLOSED
                self.agent_id = None
                self.ended_at = at
            case ev.InteractionAbandoned():
                self._clear_offer()
                self.state = State.ABANDONED
                self.ended_at = at
            case ev.InteractionReopened():
                self.state = State.NEW
                self.ended_at = None
                self.first_queued_at = None
                self.declined_by = set()
            case ev.SelfServiceStarted():
                self.state = State.SELF_SERVICE
            case ev.CsatRated():
                self.rated = True
            case ev.CsatSurveySent():
                self.surveyed_at = at
            case ev.CustomerLeft():
                self.customer_away = True
            case ev.CustomerReturned():
                self.customer_away = False
            case ev.MessagesRead():
                self.read_position = max(self.read_position, event.message_position)

    def _clear_offer(self) -> None:
        self.offer_id = ""
        self.offer_agent_id = None

    # -- decisions ----------------------------------------------------------------------

    def _require(self, command: str, *states: State) -> None:
        if self.state not in states:
            raise InvalidTransition(command, self.state)

    @staticmethod
    def create(
        interaction_id: str,
        *,
        channel: str,
        channel_key: str,
        customer_id: str,
        direction: str = "inbound",
        threading_key: str = "",
        subject: str = "",
        previous_interaction_id: str = "",
    ) -> list[DomainEvent]:
        return [
            ev.InteractionCreated(
                interaction_id=interaction_id,
                channel=channel,
                channel_key=channel_key,
                direction=direction,
                customer_id=customer_id,
                threading_key=threading_key,
                subject=subject,
                previous_interaction_id=previous_interaction_id,
            )
        ]

    @staticmethod
    def start_outbound(
        interaction_id: str,
        *,
        channel: str,
        channel_key: str,
        customer_id: str,
        agent_id: int,
        queue_id: int | None = None,
        subject: str = "",
        threading_key: str = "",
    ) -> list[DomainEvent]:
        """An agent contacts the customer first: the interaction starts with that agent,
        without queue or offer, and is counted in `queue_id` (for dispositions, reports)."""
        if not customer_id:
            raise DomainError("an outbound interaction needs the customer")
        if not channel or not channel_key:
            raise DomainError("an outbound interaction needs the channel and which one")
        return [
            *Interaction.create(
                interaction_id,
                channel=channel,
                channel_key=channel_key,
                customer_id=customer_id,
                direction="outbound",
                threading_key=threading_key,
                subject=subject,
            ),
            ev.InteractionAssigned(
                interaction_id=interaction_id, agent_id=agent_id, queue_id=queue_id, channel=channel
            ),
        ]

    def receive(
        self, message: ev.MessageReceived, *, now: datetime, reopen_window: timedelta
    ) -> list[DomainEvent]:
        """A customer message: recorded, reopening an ended interaction if still in time."""
        if self.state is None:
            raise InvalidTransition("receive a message", None)
        if self.state not in ENDED:
            return [message]
        if message.automated:
            return [message]  # an auto-reply to a finished conversation reopens nothing
        if self.ended_at is not None and now - self.ended_at > reopen_window:
            raise ReopenWindowPassed(
                f"interaction {self.id} ended {self.ended_at:%Y-%m-%d %H:%M}, "
                "before the reopen window"
            )
        return [ev.InteractionReopened(interaction_id=self.id), message]

    def send(self, message: ev.MessageSent) -> list[DomainEvent]:
        require_length("a message", message.text, MESSAGE_MAX_CHARS)
        require_length("a subject", message.subject, SUBJECT_MAX_CHARS)
        if message.author.startswith("agent:"):
            self._require("send a reply", State.ACTIVE, State.WRAP_UP)
        elif self.state is None or (self.state in ENDED and self.direction != "outbound"):
            raise InvalidTransition("send a message", self.state)
        return [message]

    def add_note(self, note: ev.InternalNoteAdded) -> list[DomainEvent]:
        require_length("a note", note.text, NOTE_MAX_CHARS)
        if self.state is None:
            raise InvalidTransition("add a note", None)
        return [note]

    def read(self, agent_id: int, message_id: str, message_position: int) -> list[DomainEvent]:
        """The agent's console showed them the customer's messages up to `message_id`. A
        fact for the customer (their read receipt) only when it is the agent handling the
        conversation and it goes further than before: a glance by a colleague or a
        supervisor, or the same messages seen again, appends nothing."""
        if self.state not in WITH_AGENT or agent_id != self.agent_id:
            return []
        if message_position <= self.read_position:
            return []
        return [
            ev.MessagesRead(
                interaction_id=self.id,
                agent_id=agent_id,
                message_id=message_id,
                message_position=message_position,
            )
        ]

    def start_self_service(self, flow: str) -> list[DomainEvent]:
        self._require("start self-service", State.NEW)
        return [ev.SelfServiceStarted(interaction_id=self.id, flow=flow)]

    def enqueue(
        self,
        queue_id: int,
        *,
        priority: int = 0,
        required_skills: dict[str, int] | None = None,
        preferred_agent_id: int | None = None,
        supervisors_only: bool = False,
        reason: str = "arrived",
        overflow_at: list[datetime] | None = None,
        sl_threshold_seconds: int | None = None,
    ) -> list[DomainEvent]:
        self._require("queue", State.NEW, State.SELF_SERVICE, State.QUEUED)
        return [
            ev.InteractionQueued(
                interaction_id=self.id,
                queue_id=queue_id,
                priority=priority,
                required_skills=dict(required_skills or {}),
                preferred_agent_id=preferred_agent_id,
                supervisors_only=supervisors_only,
                reason=reason,
                overflow_at=[at.isoformat() for at in overflow_at or ()],
                sl_threshold_seconds=sl_threshold_seconds,
            )
        ]

    def reach_overflow_step(
        self, step: int, action: str, detail: dict[str, Any]
    ) -> list[DomainEvent]:
        self._require("overflow", State.QUEUED, State.OFFERED)
        return [
            ev.OverflowStepReached(
                interaction_id=self.id,
                queue_id=self.queue_id or 0,
                step=step,
                action=action,
                detail=detail,
            )
        ]

    def offer(
        self,
        offer_id: str,
        *,
        agent_id: int,
        expires_at: datetime,
        decision: dict[str, Any],
    ) -> list[DomainEvent]:
        self._require("offer", State.QUEUED)
        return [
            ev.OfferCreated(
                interaction_id=self.id,
                offer_id=offer_id,
                agent_id=agent_id,
                queue_id=self.queue_id or 0,
                channel=self.channel,
                expires_at=expires_at.isoformat(),
                decision=decision,
            )
        ]

    def _require_offer(self, command: str, offer_id: str, agent_id: int | None = None) -> None:
        if self.state is not State.OFFERED or self.offer_id != offer_id:
            raise InvalidTransition(command, self.state, f"offer {offer_id} is not outstanding")
        if agent_id is not None and agent_id != self.offer_agent_id:
            raise InvalidTransition(command, self.state, "the offer was made to another agent")

    def accept(self, offer_id: str, agent_id: int) -> list[DomainEvent]:
        self._require_offer("accept the offer", offer_id, agent_id)
        return [ev.OfferAccepted(interaction_id=self.id, offer_id=offer_id, agent_id=agent_id)]

    def reject(self, offer_id: str, agent_id: int, reason: str = "") -> list[DomainEvent]:
        self._require_offer("reject the offer", offer_id, agent_id)
        return [
            ev.OfferRejected(
                interaction_id=self.id, offer_id=offer_id, agent_id=agent_id, reason=reason
            )
        ]

    def time_out(self, offer_id: str) -> list[DomainEvent]:
        self._require_offer("time out the offer", offer_id)
        return [
            ev.OfferTimedOut(
                interaction_id=self.id, offer_id=offer_id, agent_id=self.offer_agent_id or 0
            )
        ]

    def assign(self, agent_id: int, queue_id: int | None = None) -> list[DomainEvent]:
        self._require("assign", State.QUEUED, State.OFFERED)
        events: list[DomainEvent] = []
        if self.state is State.OFFERED:
            events.append(self._rescind("assigned by hand"))
        events.append(
            ev.InteractionAssigned(
                interaction_id=self.id, agent_id=agent_id, queue_id=queue_id, channel=self.channel
            )
        )
        return events

    def withdraw_offer(self, reason: str) -> list[DomainEvent]:
        """The offer is taken back (its agent's console went away): the work waits again,
        in its place, and the agent is not counted as having declined it."""
        self._require("withdraw the offer", State.OFFERED)
        return [self._rescind(reason)]

    def _rescind(self, reason: str) -> ev.OfferRescinded:
        return ev.OfferRescinded(
            interaction_id=self.id,
            offer_id=self.offer_id,
            agent_id=self.offer_agent_id or 0,
            reason=reason,
        )

    def transfer(
        self,
        *,
        by_agent_id: int | None,
        kind: str,
        to_queue_id: int | None = None,
        to_agent_id: int | None = None,
        note: str = "",
    ) -> list[DomainEvent]:
        self._require("transfer", State.ACTIVE)
        require_length("a transfer note", note, NOTE_MAX_CHARS)
        if kind not in {"queue", "agent", "supervisor"}:
            raise DomainError(f"unknown transfer kind {kind!r}")
        if kind == "queue" and to_queue_id is None:
            raise DomainError("a transfer to a queue needs the queue")
        if kind == "agent" and to_agent_id is None:
            raise DomainError("a transfer to an agent needs the agent")
        if to_agent_id is not None and to_agent_id == self.agent_id:
            raise DomainError("the interaction is already with that agent")
        return [
            ev.InteractionTransferred(
                interaction_id=self.id,
                from_agent_id=self.agent_id,
                kind=kind,
                to_queue_id=to_queue_id if to_queue_id is not None else self.queue_id,
                to_agent_id=to_agent_id,
                note=note,
            )
        ]

    def end(
        self, agent_id: int, reason: str = "agent_ended", deadline: datetime | None = None
    ) -> list[DomainEvent]:
        """The conversation is over; after-contact work (wrap-up) begins."""
        self._require("end the conversation", State.ACTIVE)
        return [
            ev.WrapUpStarted(
                interaction_id=self.id,
                agent_id=agent_id,
                reason=reason,
                deadline=deadline.isoformat() if deadline else "",
            )
        ]

    def wrap_up(
        self,
        agent_id: int,
        *,
        disposition: str,
        notes: str = "",
        follow_up_on: str = "",
        call_back_at: str = "",
        timed_out: bool = False,
    ) -> list[DomainEvent]:
        self._require("wrap up", State.WRAP_UP)
        if not disposition:
            raise DomainError("a disposition is required to wrap up")
        require_length("wrap-up notes", notes, NOTE_MAX_CHARS)
        return [
            ev.WrapUpCompleted(
                interaction_id=self.id,
                agent_id=agent_id,
                disposition=disposition,
                notes=notes,
                follow_up_on=follow_up_on,
                call_back_at=call_back_at,
                timed_out=timed_out,
            ),
            ev.InteractionClosed(interaction_id=self.id, reason="wrapped_up"),
        ]

    def close(self, reason: str) -> list[DomainEvent]:
        """Close without an agent's wrap-up: resolved in self-service, spam, or via the API."""
        if self.state is None or self.state in ENDED:
            raise InvalidTransition("close", self.state)
        if self.state is State.WRAP_UP:
            raise InvalidTransition("close", self.state, "wrap it up instead")
        events: list[DomainEvent] = []
        if self.state is State.OFFERED:
            events.append(self._rescind(reason))
        events.append(
            ev.InteractionClosed(interaction_id=self.id, reason=reason, agent_id=self.agent_id)
        )
        return events

    def abandon(self, *, now: datetime, reason: str = "customer_left") -> list[DomainEvent]:
        """The customer left. Before an answer that is abandonment; after, the agent wraps up."""
        if self.state in WAITING:
            events: list[DomainEvent] = []
            if self.state is State.OFFERED:
                events.append(self._rescind(reason))
            since = self.first_queued_at or self.created_at or now
            events.append(
                ev.InteractionAbandoned(
                    interaction_id=self.id,
                    reason=reason,
                    waited_seconds=round(max(0.0, (now - since).total_seconds()), 3),
                )
            )
            return events
        if self.state is State.ACTIVE:
            return self.end(self.agent_id or 0, reason="customer_left")
        raise InvalidTransition("abandon", self.state)

    def rate(self, rating: int, comment: str = "") -> list[DomainEvent]:
        """The customer's satisfaction rating: once, when the conversation is over."""
        if self.state not in (State.WRAP_UP, State.CLOSED):
            raise InvalidTransition("rate the conversation", self.state, "it is not over yet")
        if self.rated:
            raise DomainError("this conversation was rated already")
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise DomainError("a rating is a whole number from 1 to 5")
        return [ev.CsatRated(interaction_id=self.id, rating=rating, comment=comment[:2000])]

    def ask_for_rating(self, survey: ev.MessageSent | None = None) -> list[DomainEvent]:
        """The satisfaction survey, once, after an agent's conversation: closed (a message on
        the customer's channel, `survey`) or in wrap-up (a call the caller is still on, asked
        on the call itself). Nothing when already asked or rated, so asking twice is safe."""
        if self.surveyed_at is not None or self.rated or self.last_agent_id is None:
            return []
        if self.state not in (State.WRAP_UP, State.CLOSED):
            raise InvalidTransition("ask for a rating", self.state, "the conversation is not over")
        if survey is None:
            return [ev.CsatSurveySent(interaction_id=self.id, channel=self.channel)]
        require_length("a survey", survey.text, MESSAGE_MAX_CHARS)
        return [
            ev.CsatSurveySent(
                interaction_id=self.id, channel=self.channel, message_id=survey.message_id
            ),
            survey,
        ]

    def awaits_rating(self, now: datetime, window: timedelta) -> bool:
        """Asked, not yet answered, still over and within the window: a bare 1 to 5 from the
        customer now is their rating, not a new message."""
        return (
            self.surveyed_at is not None
            and not self.rated
            and self.state in (State.WRAP_UP, State.CLOSED)
            and now - self.surveyed_at <= window
        )

    def customer_left(self, grace_until: datetime) -> list[DomainEvent]:
        """While waiting, leaving starts a grace period after which it is abandoned; during
        the conversation it only tells the agent (who decides when to end it)."""
        if self.state is None or self.state in ENDED or self.customer_away:
            return []
        grace = grace_until.isoformat() if self.state in WAITING else ""
        return [ev.CustomerLeft(interaction_id=self.id, grace_until=grace)]

    def customer_returned(self) -> list[DomainEvent]:
        if not self.customer_away:
            return []
        return [ev.CustomerReturned(interaction_id=self.id)]
