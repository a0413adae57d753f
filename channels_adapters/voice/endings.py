"""How a call ends while its interaction goes on: the caller hangs up (abandoned in line,
or the agent's wrap-up starts), asks to be called back, or left a voicemail that Twilio
transcribes later."""

from channels_adapters.voice import events as ev
from channels_adapters.voice.call import VoiceCall
from channels_adapters.voice.calls import caller_identity, record
from channels_adapters.voice.models import Call, Callback
from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events import store
from contactcenter.interactions.domain import WAITING, State, stream_id
from routing import offers
from routing.flows.engine import Session

FINAL = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


@command
def request_callback(call: Call, source: str = "queue") -> bool:
    """The caller pressed the callback key: hang up, keep the place, be called back."""
    kind, number = caller_identity(call.customer_number, call.call_sid)
    if kind != "phone":
        return False  # a withheld number cannot be called back
    return bool(record(call.interaction_id, lambda voice: voice.request_callback(number, source)))


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
    voice = VoiceCall.load(call.interaction_id)
    events = voice.ended(
        call.call_sid,
        status,
        duration=duration,
        ring=call.ring_seconds,
        talk=call.talk_seconds,
        hold=held,
    )
    aggregates.append(voice, events, idempotency_key=key)
    interaction = voice.interaction
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
    transcription = ev.VoicemailTranscribed(
        interaction_id=call.interaction_id,
        recording_sid=recording,
        text=form.get("TranscriptionText", ""),
        status=form.get("TranscriptionStatus", "completed"),
    )
    record(
        call.interaction_id,
        lambda voice: [transcription],
        f"twilio-transcription:{recording or call.call_sid}",
    )
