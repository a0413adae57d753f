"""Events of the dialler. Attempts live on the contact's stream (`dial-contact-<id>`), so
"one live attempt per contact" is the stream's optimistic concurrency; pacing decisions on
the campaign's (`dialer-<campaign id>`)."""

from dataclasses import dataclass

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class DialAttemptPlaced(DomainEvent):
    attempt_id: str
    campaign_id: int
    contact_id: int
    customer_id: str
    phone: str  # E.164
    mode: str  # preview, progressive, predictive, manual (click-to-call)
    agent: str = ""  # username of the reserved agent (preview, progressive)
    call_sid: str = ""  # Twilio's, once the REST API accepted the call


@dataclass(frozen=True, kw_only=True)
class DialAttemptAnswered(DomainEvent):
    """Someone (or something) picked up; `agent` is who the call was put through to ("" when
    nobody was free: the person hears the campaign's message, an abandoned call)."""

    attempt_id: str
    contact_id: int
    answered_by: str  # "unknown" until Twilio's asynchronous AMD says
    agent: str = ""


@dataclass(frozen=True, kw_only=True)
class DialAttemptClassified(DomainEvent):
    """Twilio's answering-machine detection result (AnsweredBy: human, machine_start,
    machine_end_beep, machine_end_silence, machine_end_other, fax, unknown)."""

    attempt_id: str
    contact_id: int
    answered_by: str


@dataclass(frozen=True, kw_only=True)
class DialAttemptEnded(DomainEvent):
    """The attempt is over. `outcome`: connected, abandoned (a person, no agent: heard the
    message), machine, busy, no-answer, failed, canceled. The retry the campaign's rules gave
    is part of the fact, so a rebuild never depends on today's rules."""

    attempt_id: str
    contact_id: int
    outcome: str
    attempts: int  # made to this contact, this one included
    next_attempt_at: str | None  # ISO 8601; None: no more
    done: bool
    duration_seconds: int = 0


@dataclass(frozen=True, kw_only=True)
class DialAttemptDispositioned(DomainEvent):
    """The agent's wrap-up of a connected attempt (right party reached, converted). A
    disposition with a retry rule (say `call-back`) reopens the contact: `next_attempt_at`
    and `done` then replace what `DialAttemptEnded` said."""

    attempt_id: str
    contact_id: int
    disposition: str
    right_party: bool
    converted: bool
    agent: str = ""
    next_attempt_at: str | None = None  # ISO 8601
    done: bool = True


@dataclass(frozen=True, kw_only=True)
class DialerPaced(DomainEvent):
    """One pacing decision of a campaign (outbound/pacing.py): the floor it saw and what it
    chose. Only decisions that dial or hand out records are recorded, with those passed over
    and why."""

    campaign_id: int
    mode: str
    dials: int
    previews: int
    lines_after: int
    ready_agents: int
    busy_agents: int
    answer_rate: float
    abandon_rate: float
    expected_abandons: float
    reason: str
    passed_over: dict[str, int]
