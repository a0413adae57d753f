"""A customer's call from the web chat widget (a web call): an interaction on the voice channel
whose channel key is `web:<chat key>`, so the same entry point, flow, queues and voice capacity
take it as a phone call. Its audio is the widget's WebRTC leg in the call's room (the socket is
`webcall_socket`); the flow's menus are answered with the widget's keypad. Synchronous (ORM):
the socket calls these off the event loop."""

import uuid
from dataclasses import dataclass
from typing import Any

from channels_adapters.voice.calls import SPOKEN_AUTHORS, record
from channels_adapters.voice.endings import call_ended
from channels_adapters.voice.models import WEB, Call
from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import store
from contactcenter.events.context import acting_as
from contactcenter.interactions.domain import DomainError, stream_id
from contactcenter.interactions.ingest import InboundMessage, ingest
from contactcenter.interactions.models import Interaction
from routing import waiting
from routing.models import AgentProfile

KEYS = "0123456789*#"
MAX_KEYS = 32


@dataclass(frozen=True)
class WebCall:
    interaction_id: str
    call_sid: str  # ours: WC + 32 hex digits (Twilio's are CA…)
    channel_key: str  # web:<chat key>
    visitor_id: str


def channel_key(chat_key: str) -> str:
    """The interaction's channel key: an entry point for `web:<chat key>` (or `*`) takes it."""
    return f"{WEB}:{chat_key}"


@command
def start(chat_key: str, visitor_id: str) -> tuple[WebCall, int]:
    """The visitor pressed Call: a new interaction on the voice channel (its flow starts at
    admission) and CallStarted. Returns the call and the version its prompts come after."""
    sid = f"WC{uuid.uuid4().hex}"
    key = channel_key(chat_key)
    with acting_as("customer", causation_id=sid):
        result = ingest(
            InboundMessage(
                channel="voice",
                channel_key=key,
                sender_kind="web",
                sender_address=visitor_id,  # the same customer as the visitor's chats
                threading_key=sid,
                external_id=sid,
                text="",
                channel_data={"call": {"CallSid": sid, "web": chat_key}},
            )
        )
        record(
            result.interaction_id,
            lambda voice: voice.start(sid, direction=WEB, from_number=visitor_id, to_number=key),
        )
    call = WebCall(result.interaction_id, sid, key, visitor_id)
    return call, _version_of(call.interaction_id, result.message_id)


def _version_of(interaction_id: str, message_id: str) -> int:
    for event in store.read_stream(stream_id(interaction_id)):
        if event.type == "MessageReceived" and event.data["message_id"] == message_id:
            return event.version
    return 0


def prompts_after(interaction_id: str, version: int) -> tuple[list[dict[str, Any]], int]:
    """What the flow said after `version` (the widget shows it; a phone caller hears it), and
    the version it is up to."""
    prompts, last = [], version
    for event in store.read_stream(stream_id(interaction_id)):
        last = max(last, event.version)
        if (
            event.version > version
            and event.type == "MessageSent"
            and event.data.get("author") in SPOKEN_AUTHORS
        ):
            flow = (event.data.get("channel_data") or {}).get("flow") or {}
            prompts.append(
                {
                    "text": event.data.get("text", ""),
                    "options": [
                        {"value": str(o["value"]), "label": str(o["label"])}
                        for o in flow.get("options") or []
                    ],
                    "input": flow.get("input", ""),
                }
            )
    return prompts, last


@command
def pressed(call: WebCall, digits: str, turn: int) -> None:
    """Keys from the widget's keypad while the flow waits for an answer: its answer, as a
    caller's <Gather> digits are. Keys pressed later go to the agent as tones (the socket)."""
    if not valid_keys(digits):
        raise DomainError("keys are 0-9, * and #")
    with acting_as("customer", causation_id=call.call_sid):
        ingest(
            InboundMessage(
                channel="voice",
                channel_key=call.channel_key,
                sender_kind="web",
                sender_address=call.visitor_id,
                interaction_id=call.interaction_id,
                threading_key=call.call_sid,
                external_id=f"{call.call_sid}:turn-{turn}",
                text=digits,
                channel_data={"digits": digits, "flow_choice": digits},
            )
        )


def valid_keys(digits: str) -> bool:
    return 0 < len(digits) <= MAX_KEYS and all(key in KEYS for key in digits)


def in_menu(interaction_id: str) -> bool:
    row = Interaction.objects.filter(pk=interaction_id).only("state").first()
    return row is not None and row.state == "self_service"


def situation(call: WebCall) -> dict[str, Any]:
    """Where the call stands, for the widget: menu, waiting (with the place in line), talking
    (with the agent's name), held, or ended."""
    row = Interaction.objects.filter(pk=call.interaction_id).first()
    line = Call.objects.filter(pk=call.call_sid).first()
    if row is None or line is None or line.ended_at is not None:
        return {"state": "ended"}
    if row.state in ("new", "self_service"):
        return {"state": "menu"}
    if row.state in ("queued", "offered"):
        standing = waiting.standing(row, clock.now())
        return {
            "state": "waiting",
            "position": standing.position,
            "expected_wait_seconds": standing.expected_wait_seconds,
        }
    if row.state == "active" and row.agent_id is not None:
        return {
            "state": "held" if line.held_since else "talking",
            "agent": _agent_name(row.agent_id),
        }
    return {"state": "ended"}


def _agent_name(agent_id: int) -> str:
    profile = AgentProfile.objects.select_related("user").filter(user_id=agent_id).first()
    if profile is None:
        return ""
    return profile.display_name or profile.user.first_name or profile.user.username


def audio_started(call: WebCall, leg_id: str) -> None:
    """The widget's WebRTC leg connected: the call's audio is on the platform (as a Media
    Stream's is), so call controls, recording pause and supervision reach its room."""
    record(
        call.interaction_id,
        lambda voice: voice.stream_started(call.call_sid, leg_id),
        key=f"web-call:{leg_id}:started",
    )


@command
def ended(
    call: WebCall, leg_id: str, reason: str, *, connected: bool, broken: bool, seconds: float
) -> None:
    """The widget's leg is over (the customer or the agent hung up, or it is `broken`): the
    stream (if it connected) and the call end in the log; a caller still in line abandoned,
    one with the agent starts the agent's wrap-up (endings.call_ended, as Twilio's final
    status does)."""
    if connected:
        record(
            call.interaction_id,
            lambda voice: voice.stream_ended(call.call_sid, leg_id, reason),
            key=f"web-call:{leg_id}:ended",
        )
    line = Call.objects.filter(pk=call.call_sid).first()
    if line is None:
        return
    status = "failed" if broken else "completed"
    with acting_as("customer", causation_id=call.call_sid):
        call_ended(line, {"CallStatus": status, "CallDuration": f"{seconds:.0f}"})
