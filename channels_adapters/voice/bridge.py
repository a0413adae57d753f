"""The agent's side of a call: bridging the caller to the agent who accepted, placing the
callback a customer asked for, and the end of the agent's leg."""

import logging

from channels_adapters.twilio.client import client, delivery_error
from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import events as ev
from channels_adapters.voice import outgoing, twiml
from channels_adapters.voice.call import VoiceCall
from channels_adapters.voice.calls import (
    DIAL_PATH,
    STATUS_PATH,
    agent_endpoint,
    record,
    stream_for,
)
from channels_adapters.voice.media.tokens import SOFTPHONE
from channels_adapters.voice.models import WEB, Call, Callback
from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events import store
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions.domain import State
from contactcenter.interactions.models import Interaction as InteractionRow
from routing import offers

log = logging.getLogger(__name__)


def on_offer_accepted(events: list[RecordedEvent]) -> None:
    """After an OfferAccepted commits: bridge a waiting caller to the agent, or place the
    callback the customer asked for. (A caller who hears the wait loop again before this runs
    is connected by `hears` itself, so a lost hint costs seconds, not the call.)"""
    accepted = {e.data["interaction_id"] for e in events if e.type == "OfferAccepted"}
    if not accepted:
        return
    # Only calls have a caller to bridge: the interactions' channel, as the accept's
    # projection left the row, spares every accepted chat the two queries of calls and
    # callbacks, and a read of its own (issue 18).
    try:
        calls = {
            row.id
            for row in store.as_committed(InteractionRow, sorted(accepted))
            if row.channel == "voice"
        }
    except Exception:
        log.exception("could not tell calls among accepted interactions %s", sorted(accepted))
        return
    for event in events:
        if event.type != "OfferAccepted" or event.data["interaction_id"] not in calls:
            continue
        try:
            connect_agent(event.data["interaction_id"], event.data["agent_id"])
        except Exception:
            log.exception("could not connect interaction %s", event.data["interaction_id"])


def connect_agent(interaction_id: str, agent_id: int) -> None:
    callback = Callback.objects.filter(
        interaction_id=interaction_id, placed_at__isnull=True
    ).first()
    if callback is not None:
        place_callback(callback, agent_id)
        return
    # An agent's outbound call comes here too when it was transferred to a queue.
    call = Call.objects.filter(
        interaction_id=interaction_id,
        direction__in=("inbound", WEB, outgoing.DIRECTION),
        ended_at__isnull=True,
    ).first()
    if call is None:
        return  # not a live call (a voicemail, another channel)
    if call.agent_id == agent_id and call.dialed_at is not None:
        return  # the wait loop got there first
    if call.direction == WEB:
        # A web call's audio is in the room already: the agent's softphone joins it there.
        endpoint = agent_endpoint(agent_id)
        error = "" if endpoint == SOFTPHONE else "a web call is answered on the softphone only"
        record(interaction_id, lambda voice: voice.dialed(call.call_sid, agent_id, endpoint, error))
        return
    channel = TwilioChannel.objects.get(phone_number=call.channel_key)
    endpoint, error = agent_endpoint(agent_id), ""
    stream = stream_for(channel, call.call_sid, interaction_id, endpoint)
    if not endpoint:
        error = "the agent has no voice endpoint (admin: agent profile)"
    elif stream is not None and call.stream_sid:
        pass  # the caller's audio is on the platform already: the softphone joins it there
    else:
        document = twiml.connect(channel, endpoint, dial_url=channel.url(DIAL_PATH), stream=stream)
        try:
            client(channel).calls(call.call_sid).update(twiml=str(document))
        except Exception as failure:
            error = str(delivery_error(failure))
    record(interaction_id, lambda voice: voice.dialed(call.call_sid, agent_id, endpoint, error))


def place_callback(callback: Callback, agent_id: int) -> None:
    row = InteractionRow.objects.get(pk=callback.interaction_id)
    channel = (
        TwilioChannel.objects.filter(phone_number=row.channel_key, voice_enabled=True).first()
        or TwilioChannel.objects.filter(voice_enabled=True).first()
    )
    endpoint = agent_endpoint(agent_id)
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
    record(callback.interaction_id, lambda voice: events)


@command
def agent_leg_ended(call: Call, form: dict[str, str]) -> str:
    """Twilio's <Dial> action: the agent's leg is over. Returns the interaction's state."""
    try:
        talk = float(form.get("DialCallDuration") or 0)
    except ValueError:
        talk = 0.0
    status = form.get("DialCallStatus", "")
    elapsed = (clock.now() - call.dialed_at).total_seconds() if call.dialed_at else talk
    voice = VoiceCall.load(call.interaction_id)
    interaction = voice.interaction
    key = f"twilio-dial:{call.call_sid}:{form.get('DialCallSid', '')}:{status}"
    if store.key_exists(key):
        return interaction.state.value
    events = voice.agent_leg_ended(call.call_sid, status, ring=elapsed - talk, talk=talk)
    aggregates.append(voice, events, idempotency_key=key)
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
