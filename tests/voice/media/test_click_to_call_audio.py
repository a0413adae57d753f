"""An agent calls a customer from the console: the agent's softphone (aiortc) is on the line
while it rings, the customer answers, and Twilio's Media Stream of the call (as documented)
carries their speech to the agent and the agent's to them, through the platform's room."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from tests.outbound.test_click_to_call import known_customer
from tests.sockets import session_cookie
from tests.twilio_api import ACCOUNT, NUMBER
from tests.twilio_hooks import post
from tests.voice.media.audio import energy, speech, speech_match
from tests.voice.media.softphone import Softphone
from tests.voice.media.twilio_stream import TwilioStream, stream_of
from tests.voice.twiml_rules import check_twiml

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CUSTOMER = "+14155550100"
AGENT_SAYS = "Hello, this is Anna from Example Energy, returning your call about the meter."
CUSTOMER_SAYS = "Oh good, thank you for calling back. The meter reading looks far too high."
HEARD, NOT_HEARD = 0.25, 0.1  # as in test_media_path


def test_the_agent_calls_out_and_each_side_hears_the_other(
    client, api, line, softphone_agent, public_url
):
    customer_id = known_customer(softphone_agent, CUSTOMER)
    client.force_login(softphone_agent)
    placed = client.post(
        f"/console/customers/{customer_id}/contact/",
        json.dumps({"channel": "voice"}),
        content_type="application/json",
    )
    assert placed.status_code == 201, placed.content
    row = Interaction.objects.get(pk=placed.json()["interaction_id"])
    (request,) = api.posted("/Calls.json")
    assert request.field("Url") == f"{public_url}/hooks/twilio/voice/outbound/"
    call_sid = next(
        e.data["call_sid"] for e in store.read_stream(stream_id(row.id)) if e.type == "CallStarted"
    )
    # The customer picks up: Twilio fetches the answer URL, signed, and follows its TwiML.
    picked_up = post(
        client,
        "/hooks/twilio/voice/outbound/",
        {
            "CallSid": call_sid,
            "AccountSid": ACCOUNT,
            "From": NUMBER,
            "To": CUSTOMER,
            "CallStatus": "in-progress",
            "Direction": "outbound-api",
        },
    )
    assert picked_up.status_code == 200, picked_up.content
    check_twiml(picked_up.text)
    url, parameters = stream_of(picked_up.text)
    assert url == public_url.replace("http://", "ws://") + "/ws/media/twilio/"
    agent_voice, customer_voice = speech(AGENT_SAYS), speech(CUSTOMER_SAYS)

    async def talk():
        softphone = Softphone(
            public_url,
            await sync_to_async(session_cookie)(softphone_agent),
            agent_voice,
            delay_s=2.0,
        )
        status, answer = await softphone.call(row.id)  # on the line while it rings
        assert status == 200, answer
        stream = TwilioStream(url, call_sid)
        await stream.on_the_line(parameters)
        await stream.play(customer_voice, seconds=len(agent_voice) / 8000 + 5)
        await stream.stop()
        await stream.wait_closed()
        await softphone.hang_up(row.id)
        return stream.heard_samples(), softphone.heard_samples()

    customer_heard, agent_heard = asyncio.run(talk())

    assert energy(agent_heard) > 300, energy(agent_heard)
    assert speech_match(agent_heard, customer_voice) >= HEARD
    assert speech_match(customer_heard, agent_voice) >= HEARD
    assert speech_match(customer_heard, customer_voice) <= NOT_HEARD
    assert speech_match(agent_heard, agent_voice) <= NOT_HEARD
    logged = [e.type for e in store.read_stream(stream_id(row.id))]
    for step in ("CallStarted", "CallDialed", "SoftphoneConnected", "MediaStreamStarted"):
        assert step in logged, logged
    assert logged.index("CallDialed") < logged.index("MediaStreamStarted")
