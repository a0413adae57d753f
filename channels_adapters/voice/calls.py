"""The call's life as commands: it rings, answers the flow turn by turn, waits, is bridged to
the agent, ends. Each webhook of Twilio's lands in one of these; `hears()` decides the TwiML
the caller gets next from the interaction as it now stands."""

import logging
from dataclasses import dataclass

from django.conf import settings

from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import events as ev
from channels_adapters.voice import twiml
from channels_adapters.voice.models import Call, Callback
from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import store
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import WAITING, State, stream_id
from contactcenter.interactions.ingest import Attachment, InboundMessage, ingest
from contactcenter.interactions.models import Interaction as InteractionRow
from crm.identities import InvalidIdentity, e164
from routing import config, offers, waiting
from routing.flows.engine import Session

log = logging.getLogger(__name__)
FINAL = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
SPOKEN_AUTHORS = ("flow", "system")


@dataclass(frozen=True)
class Turn:
    """What a webhook of the call got done: the interaction, and from which version of its
    stream the caller has not heard the prompts yet."""

    interaction_id: str
    heard_up_to: int


def _sender(raw: str, call_sid: str) -> tuple[str, str]:
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
    kind, address = _sender(form.get("From", ""), sid)
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
        store.append(
            stream_id(result.interaction_id),
            [
                ev.CallStarted(
                    interaction_id=result.interaction_id,
                    call_sid=sid,
                    direction="inbound",
                    from_number=address,
                    to_number=channel.phone_number,
                )
            ],
            store.stream_version(stream_id(result.interaction_id)),
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
    kind, address = _sender(call.customer_number, call.call_sid)
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
        endpoint = _endpoint(row.agent_id)
        if endpoint:
            # The caller came round the wait loop before the accept's hint connected them.
            _record(
                row.id,
                [
                    ev.CallDialed(
                        interaction_id=row.id,
                        call_sid=call.call_sid,
                        agent_id=row.agent_id,
                        endpoint=endpoint,
                    )
                ],
            )
            return twiml.connect(channel, endpoint, dial_url=urls["dial"])
    return twiml.goodbye(channel, said)


def _endpoint(agent_id: int) -> str:
    agent = config.current().agents.get(agent_id)
    return agent.voice_endpoint if agent else ""


# -- while waiting ---------------------------------------------------------------------------


@command
def request_callback(call: Call, source: str = "queue") -> bool:
    """The caller pressed the callback key: hang up, keep the place, be called back."""
    from routing.flows.events import CallbackRequested

    if Callback.objects.filter(interaction_id=call.interaction_id, placed_at__isnull=True).exists():
        return False
    interaction = interactions.load(call.interaction_id)
    if interaction.state not in (State.QUEUED, State.OFFERED):
        return False
    kind, number = _sender(call.customer_number, call.call_sid)
    if kind != "phone":
        return False  # a withheld number cannot be called back
    store.append(
        stream_id(call.interaction_id),
        [CallbackRequested(interaction_id=call.interaction_id, number=number, source=source)],
        interaction.version,
    )
    return True


# -- the agent's side ------------------------------------------------------------------------


@command
def _record(interaction_id: str, events: list, key: str | None = None) -> None:
    """Append call events to the interaction's stream (once, with `key`)."""
    if key and store.key_exists(key):
        return
    store.append(
        stream_id(interaction_id), events, store.stream_version(stream_id(interaction_id)), key
    )


def on_offer_accepted(events: list[RecordedEvent]) -> None:
    """After an OfferAccepted commits: bridge a waiting caller to the agent, or place the
    callback the customer asked for. (A caller who hears the wait loop again before this runs
    is connected by `hears` itself, so a lost hint costs seconds, not the call.)"""
    for event in events:
        if event.type != "OfferAccepted":
            continue
        try:
            connect_agent(event.data["interaction_id"], event.data["agent_id"])
        except Exception:
            log.exception("could not connect interaction %s", event.data["interaction_id"])


def connect_agent(interaction_id: str, agent_id: int) -> None:
    from channels_adapters.twilio.client import client, delivery_error

    callback = Callback.objects.filter(
        interaction_id=interaction_id, placed_at__isnull=True
    ).first()
    if callback is not None:
        place_callback(callback, agent_id)
        return
    call = Call.objects.filter(
        interaction_id=interaction_id, direction="inbound", ended_at__isnull=True
    ).first()
    if call is None:
        return  # not a live call (a voicemail, another channel)
    if call.agent_id == agent_id and call.dialed_at is not None:
        return  # the wait loop got there first
    channel = TwilioChannel.objects.get(phone_number=call.channel_key)
    endpoint, error = _endpoint(agent_id), ""
    if not endpoint:
        error = "the agent has no voice endpoint (admin: agent profile)"
    else:
        document = twiml.connect(channel, endpoint, dial_url=channel.url(DIAL_PATH))
        try:
            client(channel).calls(call.call_sid).update(twiml=str(document))
        except Exception as failure:
            error = str(delivery_error(failure))
    _record(
        interaction_id,
        [
            ev.CallDialed(
                interaction_id=interaction_id,
                call_sid=call.call_sid,
                agent_id=agent_id,
                endpoint=endpoint,
                error=error,
            )
        ],
    )


def place_callback(callback: Callback, agent_id: int) -> None:
    from channels_adapters.twilio.client import client, delivery_error

    row = InteractionRow.objects.get(pk=callback.interaction_id)
    channel = (
        TwilioChannel.objects.filter(phone_number=row.channel_key, voice_enabled=True).first()
        or TwilioChannel.objects.filter(voice_enabled=True).first()
    )
    endpoint = _endpoint(agent_id)
    sid, error = "", ""
    if channel is None:
        error = "no Twilio voice channel to call from"
    elif not endpoint:
        error = "the agent has no voice endpoint (admin: agent profile)"
    else:
        document = twiml.connect(
            channel,
            endpoint,
            dial_url=channel.url(DIAL_PATH),
            said="Hello, we are calling you back as you asked. Connecting you to an agent.",
        )
        try:
            placed = client(channel).calls.create(
                to=callback.number,
                from_=channel.phone_number,
                twiml=str(document),
                status_callback=channel.url(STATUS_PATH),
                status_callback_method="POST",
            )
            sid = placed.sid
        except Exception as failure:
            error = str(delivery_error(failure))
    events: list = [
        ev.CallbackPlaced(
            interaction_id=callback.interaction_id,
            call_sid=sid,
            number=callback.number,
            agent_id=agent_id,
            error=error,
        )
    ]
    if sid:
        events.append(
            ev.CallStarted(
                interaction_id=callback.interaction_id,
                call_sid=sid,
                direction="callback",
                from_number=channel.phone_number,
                to_number=callback.number,
            )
        )
        events.append(
            ev.CallDialed(
                interaction_id=callback.interaction_id,
                call_sid=sid,
                agent_id=agent_id,
                endpoint=endpoint,
            )
        )
    _record(callback.interaction_id, events)


DIAL_PATH = "/hooks/twilio/voice/dial/"
STATUS_PATH = "/hooks/twilio/voice/status/"


@command
def agent_leg_ended(call: Call, form: dict[str, str]) -> str:
    """Twilio's <Dial> action: the agent's leg is over. Returns the interaction's state."""
    try:
        talk = float(form.get("DialCallDuration") or 0)
    except ValueError:
        talk = 0.0
    status = form.get("DialCallStatus", "")
    elapsed = (clock.now() - call.dialed_at).total_seconds() if call.dialed_at else talk
    interaction = interactions.load(call.interaction_id)
    events: list = [
        ev.CallAgentLegEnded(
            interaction_id=call.interaction_id,
            call_sid=call.call_sid,
            dial_status=status,
            ring_seconds=round(max(0.0, elapsed - talk), 3),
            talk_seconds=talk,
        )
    ]
    key = f"twilio-dial:{call.call_sid}:{form.get('DialCallSid', '')}:{status}"
    if store.key_exists(key):
        return interaction.state.value
    store.append(stream_id(call.interaction_id), events, interaction.version, key)
    if status != "completed" and interaction.state is State.ACTIVE and interaction.agent_id:
        # The agent did not pick up: back to the queue, keeping the caller's place.
        offers.transfer(
            call.interaction_id,
            by_agent_id=interaction.agent_id,
            kind="queue",
            to_queue_id=interaction.queue_id,
            note=f"the agent's phone did not answer ({status})",
        )
        return State.QUEUED.value
    return interaction.state.value


@command
def call_ended(call: Call, form: dict[str, str]) -> bool:
    """Twilio's final status: record the call's times; a caller who hung up while waiting
    abandoned, one who hung up on the agent starts the agent's wrap-up. False: a repeat."""
    status = form.get("CallStatus", "")
    key = f"twilio-call-status:{call.call_sid}:{status}"
    if store.key_exists(key):
        return False
    try:
        duration = float(form.get("CallDuration") or 0)
    except ValueError:
        duration = 0.0
    now = clock.now()
    held = call.hold_seconds + ((now - call.held_since).total_seconds() if call.held_since else 0.0)
    interaction = interactions.load(call.interaction_id)
    store.append(
        stream_id(call.interaction_id),
        [
            ev.CallEnded(
                interaction_id=call.interaction_id,
                call_sid=call.call_sid,
                status=status,
                duration_seconds=duration,
                ring_seconds=call.ring_seconds,
                talk_seconds=call.talk_seconds,
                hold_seconds=round(held, 3),
            )
        ],
        interaction.version,
        key,
    )
    if _left_with_a_message(call):
        return True  # voicemail or callback: the interaction waits on without the call
    if interaction.state in WAITING:
        offers.abandon(call.interaction_id, reason="hung_up")
    elif interaction.state is State.ACTIVE:
        offers.end_conversation(
            call.interaction_id,
            interaction.agent_id or 0,
            reason="customer_left" if status == "completed" else f"call_{status}",
        )
    return True


def _left_with_a_message(call: Call) -> bool:
    if call.direction != "inbound":
        return False
    if Callback.objects.filter(interaction_id=call.interaction_id, placed_at__isnull=True).exists():
        return True
    session = Session.from_events(
        e.payload for e in store.read_stream(stream_id(call.interaction_id))
    )
    return session.outcome in ("voicemail", "callback")


@command
def transcribed(call: Call, form: dict[str, str]) -> None:
    recording = form.get("RecordingSid", "")
    _record(
        call.interaction_id,
        [
            ev.VoicemailTranscribed(
                interaction_id=call.interaction_id,
                recording_sid=recording,
                text=form.get("TranscriptionText", ""),
                status=form.get("TranscriptionStatus", "completed"),
            )
        ],
        f"twilio-transcription:{recording or call.call_sid}",
    )
