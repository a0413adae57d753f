"""Events of a call, on its interaction's stream. docs/events.md describes each; the KPIs take
ring, talk and hold times from CallEnded."""

from dataclasses import dataclass

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class CallStarted(DomainEvent):
    interaction_id: str
    call_sid: str
    # inbound (the customer called), web (from the widget), callback (we called back) or
    # outbound (an agent called from the console)
    direction: str
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


@dataclass(frozen=True, kw_only=True)
class MediaStreamStarted(DomainEvent):
    """Twilio connected the call's audio to the platform (<Connect><Stream>)."""

    interaction_id: str
    call_sid: str
    stream_sid: str


@dataclass(frozen=True, kw_only=True)
class MediaStreamEnded(DomainEvent):
    interaction_id: str
    call_sid: str
    stream_sid: str
    reason: str  # "stop" when Twilio ended it; otherwise what was wrong with it


@dataclass(frozen=True, kw_only=True)
class SoftphoneConnected(DomainEvent):
    """The agent's console joined the call's audio over WebRTC."""

    interaction_id: str
    agent_id: int


@dataclass(frozen=True, kw_only=True)
class SoftphoneDisconnected(DomainEvent):
    interaction_id: str
    agent_id: int
    reason: str  # "hung up", or why the leg broke (ICE, the connection, the track)
    requeued: bool = False  # the caller went back to the head of the line


@dataclass(frozen=True, kw_only=True)
class RecordingPaused(DomainEvent):
    """The agent paused the recording (a card number): silence in the file from here."""

    interaction_id: str
    agent_id: int


@dataclass(frozen=True, kw_only=True)
class RecordingResumed(DomainEvent):
    interaction_id: str
    agent_id: int


@dataclass(frozen=True, kw_only=True)
class RecordingSaved(DomainEvent):
    """A two-channel recording of the call (left: the customer, right: the agent) is stored."""

    interaction_id: str
    call_sid: str
    name: str  # its name in the default storage
    seconds: float
    paused_seconds: float = 0.0


@dataclass(frozen=True, kw_only=True)
class RecordingDeleted(DomainEvent):
    interaction_id: str
    name: str
    reason: str  # "retention: older than N days"


@dataclass(frozen=True, kw_only=True)
class SupervisionStarted(DomainEvent):
    """A supervisor joined the call's audio: listen (hears both, heard by nobody), whisper
    (heard by the agent only) or barge (heard by everyone); again when the mode changes."""

    interaction_id: str
    supervisor_id: int
    mode: str  # listen, whisper, barge


@dataclass(frozen=True, kw_only=True)
class SupervisionEnded(DomainEvent):
    interaction_id: str
    supervisor_id: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class CallTransferred(DomainEvent):
    """A cold transfer of a call whose audio is on the platform: the agent's leg left and the
    caller waits on hold music in the room (the interaction's own InteractionTransferred says
    where to)."""

    interaction_id: str
    agent_id: int
    kind: str  # queue, agent, supervisor


@dataclass(frozen=True, kw_only=True)
class ConsultStarted(DomainEvent):
    """The agent on the call asks a colleague to talk: the customer is on hold music and the
    colleague's softphone is offered the call's audio."""

    interaction_id: str
    agent_id: int
    colleague_id: int


@dataclass(frozen=True, kw_only=True)
class ConsultAnswered(DomainEvent):
    """The colleague's softphone joined: the two agents hear each other, the customer neither."""

    interaction_id: str
    agent_id: int
    colleague_id: int


@dataclass(frozen=True, kw_only=True)
class ConsultJoined(DomainEvent):
    """Off hold, three-way: the customer, the agent and the colleague all hear each other."""

    interaction_id: str
    agent_id: int
    colleague_id: int


@dataclass(frozen=True, kw_only=True)
class ConsultHandedOver(DomainEvent):
    """Warm transfer: the agent left, the colleague keeps the customer (the interaction's
    InteractionTransferred and InteractionAssigned move it to them)."""

    interaction_id: str
    agent_id: int
    colleague_id: int


@dataclass(frozen=True, kw_only=True)
class ConsultEnded(DomainEvent):
    """The colleague is no longer on the call: the agent cancelled the consult, or the
    colleague left (declined, hung up, their leg broke). The customer is back with the agent."""

    interaction_id: str
    agent_id: int
    colleague_id: int
    reason: str  # "cancelled", "declined", "left the call", or why their leg ended
