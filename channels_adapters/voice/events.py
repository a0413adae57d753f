"""Events of a call, on its interaction's stream. docs/events.md describes each; the KPIs take
ring, talk and hold times from CallEnded."""

from dataclasses import dataclass

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class CallStarted(DomainEvent):
    interaction_id: str
    call_sid: str
    direction: str  # inbound (the customer called) or callback (we called them back)
    from_number: str
    to_number: str


@dataclass(frozen=True, kw_only=True)
class CallDialed(DomainEvent):
    """We asked Twilio to ring the agent's endpoint and bridge the caller to it."""

    interaction_id: str
    call_sid: str
    agent_id: int
    endpoint: str
    error: str = ""  # what Twilio (or the missing endpoint) said, when it could not be done


@dataclass(frozen=True, kw_only=True)
class CallAgentLegEnded(DomainEvent):
    """The agent's side of the bridge ended (Twilio's <Dial> action)."""

    interaction_id: str
    call_sid: str
    dial_status: str  # completed, busy, no-answer, failed, canceled
    ring_seconds: float = 0.0  # from dialling to the agent answering
    talk_seconds: float = 0.0  # the agent leg's duration once answered


@dataclass(frozen=True, kw_only=True)
class CallHeld(DomainEvent):
    interaction_id: str
    call_sid: str
    agent_id: int


@dataclass(frozen=True, kw_only=True)
class CallResumed(DomainEvent):
    interaction_id: str
    call_sid: str
    agent_id: int
    held_seconds: float = 0.0


@dataclass(frozen=True, kw_only=True)
class CallEnded(DomainEvent):
    """The call is over (Twilio's final status callback), with its times for the KPIs."""

    interaction_id: str
    call_sid: str
    status: str  # completed, busy, no-answer, failed, canceled
    duration_seconds: float = 0.0  # Twilio's CallDuration: the whole call
    ring_seconds: float = 0.0
    talk_seconds: float = 0.0
    hold_seconds: float = 0.0


@dataclass(frozen=True, kw_only=True)
class CallbackPlaced(DomainEvent):
    """The agent accepted a callback: we called the customer and will bridge the agent."""

    interaction_id: str
    call_sid: str
    number: str
    agent_id: int
    error: str = ""


@dataclass(frozen=True, kw_only=True)
class VoicemailTranscribed(DomainEvent):
    interaction_id: str
    recording_sid: str
    text: str
    status: str = "completed"  # Twilio's TranscriptionStatus: completed or failed
