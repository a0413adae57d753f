"""A softphone whose WebRTC leg never completes ICE is ended with the reason after
VOICE_ICE_TIMEOUT_SECONDS; the caller, who hears hold music and never silence, goes back to
the head of the line."""

import asyncio
import re

import pytest
from asgiref.sync import sync_to_async

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from tests.sockets import session_cookie
from tests.voice.media.audio import energy, speech
from tests.voice.media.conftest import answered_call
from tests.voice.media.softphone import Softphone
from tests.voice.media.twilio_stream import TwilioStream, stream_of

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

UNREACHABLE = "203.0.113.9"  # TEST-NET-3: nobody answers there


def unreachable(sdp: str) -> str:
    """The offer with every candidate moved to an address that never answers."""
    sdp = re.sub(r"(a=candidate:\S+ \d+ \S+ \d+ )\S+( \d+)", rf"\g<1>{UNREACHABLE}\2", sdp)
    return re.sub(r"c=IN IP\d \S+", f"c=IN IP4 {UNREACHABLE}", sdp)


@pytest.mark.server_env(VOICE_ICE_TIMEOUT_SECONDS="3")
def test_ice_never_answered_ends_the_leg_and_requeues_the_caller_on_hold_music(
    client, api, line, softphone_agent, public_url
):
    phone, row, twiml = answered_call(client, api, softphone_agent)
    url, parameters = stream_of(twiml)

    async def call():
        stream = TwilioStream(url, phone.call_sid)
        await stream.on_the_line(parameters)
        softphone = Softphone(
            public_url, await sync_to_async(session_cookie)(softphone_agent), speech("Hello")
        )
        await softphone.pc.setLocalDescription(await softphone.pc.createOffer())
        offer = {"type": "offer", "sdp": unreachable(softphone.pc.localDescription.sdp)}
        path = f"/channels/voice/calls/{row.id}/softphone/"
        status, _answer = await asyncio.to_thread(softphone._post, path, offer)
        assert status == 200
        await stream.play(speech("Is anybody there?"), seconds=6)  # past the ICE timeout
        await stream.stop()
        await stream.wait_closed()
        await softphone.pc.close()
        return stream.heard_samples()

    heard = asyncio.run(call())

    (ended,) = [
        e.data for e in store.read_stream(stream_id(row.id)) if e.type == "SoftphoneDisconnected"
    ]
    assert "ICE" in ended["reason"] and ended["requeued"]
    assert Interaction.objects.get(pk=row.id).state in ("queued", "offered")
    # the caller heard music the whole time: no second of silence
    seconds = [heard[i : i + 8000] for i in range(0, len(heard) - 8000 + 1, 8000)]
    assert seconds and all(energy(s) > 300 for s in seconds)
