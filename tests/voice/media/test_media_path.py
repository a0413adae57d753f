"""The caller (a Twilio Media Stream, as documented) and the agent (a WebRTC softphone)
really hear each other through the platform: speech from espeak-ng goes in on one side and
comes out on the other, with its energy and a high cross-correlation with what was said."""

import asyncio

import numpy as np
import pytest
from asgiref.sync import sync_to_async

from channels_adapters.voice.media import recording
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from tests.sockets import session_cookie
from tests.voice.media.audio import energy, speech, speech_match
from tests.voice.media.conftest import answered_call
from tests.voice.media.softphone import Softphone
from tests.voice.media.twilio_stream import TwilioStream, stream_of

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CUSTOMER_SAYS = "Hello, I would like to check the invoice for my last order."
AGENT_SAYS = "Good morning, this is Anna from billing. How can I help you today?"
# Shares of the source's quarter-seconds found (audio.speech_match): other speech finds none;
# the right speech ~0.9 on an idle machine, and above 0.3 at a load of 15 on two cores.
HEARD, NOT_HEARD = 0.25, 0.1


def event_types(interaction_id: str) -> list[str]:
    return [e.type for e in store.read_stream(stream_id(interaction_id))]


def test_caller_and_agent_hear_each_other(client, api, line, softphone_agent, public_url):
    phone, row, twiml = answered_call(client, api, softphone_agent)
    url, parameters = stream_of(twiml)
    assert url == public_url.replace("http://", "ws://") + "/ws/media/twilio/"
    customer, agent_voice = speech(CUSTOMER_SAYS), speech(AGENT_SAYS)

    async def talk():
        stream = TwilioStream(url, phone.call_sid)
        await stream.on_the_line(parameters)
        softphone = Softphone(
            public_url,
            await sync_to_async(session_cookie)(softphone_agent),
            agent_voice,
            delay_s=1.0,
        )
        status, answer = await softphone.call(row.id)
        assert status == 200, answer
        await stream.play(customer, seconds=len(agent_voice) / 8000 + 4)
        await stream.stop()
        await stream.wait_closed()
        await softphone.hang_up(row.id)
        return stream.heard_samples(), softphone.heard_samples()

    caller_heard, agent_heard = asyncio.run(talk())

    assert energy(agent_heard) > 300, energy(agent_heard)
    assert speech_match(agent_heard, customer) >= HEARD
    assert speech_match(caller_heard, agent_voice) >= HEARD
    # and not the other way round: nobody hears their own voice back
    assert speech_match(caller_heard, customer) <= NOT_HEARD
    assert speech_match(agent_heard, agent_voice) <= NOT_HEARD
    assert "MediaStreamStarted" in event_types(row.id)
    assert "MediaStreamEnded" in event_types(row.id)
    assert "SoftphoneConnected" in event_types(row.id)
    # recorded: the customer on the left channel, the agent on the right
    (saved,) = [e.data for e in store.read_stream(stream_id(row.id)) if e.type == "RecordingSaved"]
    left, right = recording.read(saved["name"])
    assert speech_match(left, customer) >= HEARD
    assert speech_match(right, agent_voice) >= HEARD
    assert speech_match(left, agent_voice) <= NOT_HEARD
    assert speech_match(right, customer) <= NOT_HEARD
    # played back to the agent who took the call, with its waveform
    client.force_login(softphone_agent)
    listing = client.get(f"/channels/voice/recordings/{row.id}/").json()["recordings"]
    assert listing[0]["channels"] == ["customer", "agent"]
    assert max(listing[0]["waveform"]["customer"]) > 0.05
    audio = client.get(listing[0]["url"])
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"


def test_the_caller_hears_hold_music_until_the_agent_joins(
    client, api, line, softphone_agent, public_url
):
    phone, _row, twiml = answered_call(client, api, softphone_agent)
    url, parameters = stream_of(twiml)

    async def wait():
        stream = TwilioStream(url, phone.call_sid)
        await stream.on_the_line(parameters)
        await stream.play(np.zeros(0, dtype=np.int16), seconds=1.5)
        await stream.stop()
        await stream.wait_closed()
        return stream.heard_samples()

    heard = asyncio.run(wait())
    assert len(heard) >= 8000  # a second of audio came back at least
    assert energy(heard) > 300  # music, never silence
