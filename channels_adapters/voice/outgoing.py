"""Calling a customer from the console (click-to-call). Twilio is asked to place the call
(REST `Calls.json`) with an answer URL; when the customer picks up, that URL answers with the
<Connect><Stream> an inbound call gets once accepted, so the customer's audio comes to the
platform's room, where the agent's softphone already is. The interaction is outbound voice and
the agent's from its first event (contactcenter/actions/outbound.py).

Twilio is asked before anything is recorded, outside any transaction (a transaction held open
over an HTTP request would hold back every reader of the log): a refusal records nothing; a
call Twilio placed whose recording then fails is hung up (`withdraw`)."""

import contextlib
import logging

from twilio.twiml.voice_response import VoiceResponse

from channels_adapters.twilio.client import client, delivery_error
from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import twiml
from channels_adapters.voice.calls import DIAL_PATH, STATUS_PATH, record, stream_for
from channels_adapters.voice.media.tokens import SOFTPHONE
from channels_adapters.voice.models import Call
from contactcenter.commands import command
from contactcenter.interactions.models import Interaction as InteractionRow

log = logging.getLogger(__name__)

ANSWER_PATH = "/hooks/twilio/voice/outbound/"
DIRECTION = "outbound"  # CallStarted's direction for a call an agent placed
RING_TIMEOUT_SECONDS = 30  # Twilio's `Timeout`: then the call ends no-answer


class NotPlaced(Exception):
    """Twilio would not place the call (the message is Twilio's reason)."""


def line() -> TwilioChannel | None:
    """The number the console calls from: the first voice-enabled Twilio line."""
    return TwilioChannel.objects.filter(voice_enabled=True).order_by("pk").first()


def ring(channel: TwilioChannel, number: str) -> str:
    """Ask Twilio to call `number` from our line; returns the new call's CallSid."""
    try:
        placed = client(channel).calls.create(
            to=number,
            from_=channel.phone_number,
            url=channel.url(ANSWER_PATH),
            method="POST",
            status_callback=channel.url(STATUS_PATH),
            status_callback_method="POST",
            timeout=RING_TIMEOUT_SECONDS,
        )
    except Exception as failure:
        raise NotPlaced(str(delivery_error(failure))) from failure
    return placed.sid


def withdraw(channel: TwilioChannel, call_sid: str) -> None:
    """Hang up a call we placed but could not record (it would ring for nobody)."""
    with contextlib.suppress(Exception):
        client(channel).calls(call_sid).update(status="canceled")


@command
def placed(interaction_id: str, call_sid: str, agent_id: int, *, ours: str, theirs: str) -> None:
    """The call is ringing the customer, and it is the agent's: their softphone joins its
    audio now (it is there when the customer answers)."""
    record(
        interaction_id,
        lambda voice: [
            *voice.start(call_sid, direction=DIRECTION, from_number=ours, to_number=theirs),
            *voice.dialed(call_sid, agent_id, SOFTPHONE),
        ],
    )


def answered(channel: TwilioChannel, call: Call) -> VoiceResponse:
    """TwiML for the customer who picked up: their audio to the platform; a goodbye when the
    agent is no longer on the call (they hung up while it rang)."""
    row = InteractionRow.objects.filter(pk=call.interaction_id).first()
    if row is None or row.state != "active" or row.agent_id is None or not call.live:
        return twiml.goodbye(channel, [])
    return twiml.connect(
        channel,
        SOFTPHONE,
        dial_url=channel.url(DIAL_PATH),
        said="",
        stream=stream_for(channel, call.call_sid, row.id, SOFTPHONE),
    )
