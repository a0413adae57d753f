"""A call turn by turn: it rings, the caller answers the flow, and `hears()` decides the TwiML
they get next from the interaction as it now stands (a prompt, the queue, the agent, goodbye).
The agent's side is in `bridge`, the ways a call ends in `endings`."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings

from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import twiml
from channels_adapters.voice.call import VoiceCall
from channels_adapters.voice.media import tokens
from channels_adapters.voice.models import Call, Callback
from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events import store
from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent
from contactcenter.interactions.domain import State, stream_id
from contactcenter.interactions.ingest import Attachment, InboundMessage, ingest
from contactcenter.interactions.models import Interaction as InteractionRow
from crm.identities import InvalidIdentity, e164
from routing import config, waiting
from routing.flows.engine import Session

SPOKEN_AUTHORS = ("flow", "system")
DIAL_PATH = "/hooks/twilio/voice/dial/"
STATUS_PATH = "/hooks/twilio/voice/status/"


@dataclass(frozen=True)
class Turn:
    """What a webhook of the call got done: the interaction, and from which version of its
    stream the caller has not heard the prompts yet."""

    interaction_id: str
    heard_up_to: int


def caller_identity(raw: str, call_sid: str) -> tuple[str, str]:
    """The caller's identity: their number, or (withheld, a browser client) the call itself."""
    try:
        return "phone", e164(raw, settings.DEFAULT_PHONE_REGION)
    except InvalidIdentity:
        return "web", f"caller-{call_sid}"


def _version_of(interaction_id: str, message_id: str) -> int:
    for event in store.read_stream(stream_id(interaction_id)):
        if event.type == "MessageReceived" and event.data["message_id"] == message_id:
            return event.version
    return 0


@command
def ring(channel: TwilioChannel, form: dict[str, str]) -> Turn:
    """A call comes in: an interaction (its flow starts at admission) and CallStarted, once
    however often Twilio asks."""
    sid = form["CallSid"]
    kind, address = caller_identity(form.get("From", ""), sid)
    result = ingest(
        InboundMessage(
            channel="voice",
            channel_key=channel.phone_number,
            sender_kind=kind,
            sender_address=address,
            threading_key=sid,
            external_id=sid,
            text="",
            channel_data={
                "call": {k: form[k] for k in ("CallSid", "FromCity", "FromCountry") if k in form}
            },
        )
    )
    if not result.duplicate:
        record(
            result.interaction_id,
            lambda call: call.start(
                sid, direction="inbound", from_number=address, to_number=channel.phone_number
            ),
        )
    return Turn(result.interaction_id, _version_of(result.interaction_id, result.message_id))


@command
def answer(
    channel: TwilioChannel,
    call: Call,
    turn: str,
    *,
    text: str = "",
    choice: str = "",
    attachments: tuple[Attachment, ...] = (),
    channel_data: dict | None = None,
) -> Turn:
    """The caller's answer to a flow prompt (keys, speech, a recording, or silence)."""
    kind, address = caller_identity(call.customer_number, call.call_sid)
    result = ingest(
        InboundMessage(
            channel="voice",
            channel_key=channel.phone_number,
            sender_kind=kind,
            sender_address=address,
            interaction_id=call.interaction_id,
            threading_key=call.call_sid,
            external_id=f"{call.call_sid}:{turn}",
            text=text,
            attachments=attachments,
            channel_data={**(channel_data or {}), **({"flow_choice": choice} if choice else {})},
        )
    )
    return Turn(call.interaction_id, _version_of(call.interaction_id, result.message_id))


def hears(channel: TwilioChannel, call: Call, turn: Turn, urls: dict[str, str]):
    """The TwiML for the caller now: the flow's next prompt, the queue, the agent, or goodbye."""
    events = store.read_stream(stream_id(turn.interaction_id))
    row = InteractionRow.objects.get(pk=turn.interaction_id)
    prompts = [
        twiml.Prompt(
            text=e.data.get("text", ""),
            options=(e.data.get("channel_data", {}).get("flow") or {}).get("options") or [],
            input=(e.data.get("channel_data", {}).get("flow") or {}).get("input", ""),
        )
        for e in events
        if e.version > turn.heard_up_to
        and e.type == "MessageSent"
        and e.data.get("author") in SPOKEN_AUTHORS
    ]
    said = [p.text for p in prompts]
    state = State(row.state)
    turn_no = sum(1 for e in events if e.type == "MessageReceived")
    if state is State.SELF_SERVICE and prompts and prompts[-1].input:
        return twiml.flow_turn(
            channel,
            prompts,
            answer_url=f"{urls['voice']}?turn={turn_no}",
            no_input_url=f"{urls['voice']}?turn={turn_no}&silence=1",
            recording_url=f"{urls['recording']}?turn={turn_no}",
            transcription_url=urls["transcription"],
        )
    if state is State.SELF_SERVICE:  # nothing new to say (a replay): ask the last one again
        last = max(
            (
                e.version
                for e in events
                if e.type == "MessageSent" and e.data.get("author") == "flow"
            ),
            default=0,
        )
        if last and turn.heard_up_to != last - 1:
            return hears(channel, call, Turn(turn.interaction_id, last - 1), urls)
        return twiml.goodbye(channel, said)
    session = Session.from_events(e.payload for e in events)
    if session.outcome == "voicemail":
        return twiml.goodbye(channel, said, twiml.THANKS_FOR_MESSAGE)
    if Callback.objects.filter(interaction_id=row.id, placed_at__isnull=True).exists():
        return twiml.goodbye(channel, said, twiml.GOODBYE)
    if state in (State.QUEUED, State.OFFERED) and call.live:
        standing = waiting.standing(row, clock.now())
        return twiml.waiting(
            channel,
            said=said,
            position=standing.position,
            expected_wait_seconds=standing.expected_wait_seconds,
            wait_url=urls["wait"],
            key_url=urls["key"],
        )
    if state is State.ACTIVE and row.agent_id is not None and call.live:
        endpoint = agent_endpoint(row.agent_id)
        if endpoint:
            # The caller came round the wait loop before the accept's hint connected them.
            agent_id = row.agent_id
            record(row.id, lambda voice: voice.dialed(call.call_sid, agent_id, endpoint))
            return twiml.connect(
                channel,
                endpoint,
                dial_url=urls["dial"],
                stream=stream_for(channel, call.call_sid, row.id, endpoint),
            )
    return twiml.goodbye(channel, said)


def stream_for(
    channel: TwilioChannel, call_sid: str, interaction_id: str, endpoint: str
) -> twiml.Stream | None:
    """For an agent on the console's softphone: the Media Stream that brings the call's audio
    to the platform, with a fresh token for this call."""
    if endpoint != tokens.SOFTPHONE:
        return None
    return twiml.Stream(
        url=tokens.stream_url(channel.base_url),
        token=tokens.issue(call_sid, interaction_id),
        wait_url=channel.url("/hooks/twilio/voice/wait/"),
    )


def agent_endpoint(agent_id: int) -> str:
    agent = config.current().agents.get(agent_id)
    return agent.voice_endpoint if agent else ""


@command
def record(
    interaction_id: str,
    decide: Callable[[VoiceCall], Sequence[DomainEvent]],
    key: str | None = None,
) -> list[RecordedEvent]:
    """Load the call's aggregate, let `decide` say what happened, append it (once, with
    `key`: a provider's retry appends nothing)."""
    if key and store.key_exists(key):
        return []
    return aggregates.decide_and_append(VoiceCall, interaction_id, decide, idempotency_key=key)
