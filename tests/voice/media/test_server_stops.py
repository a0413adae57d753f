"""A server stopped in the middle of a call (a deploy, a restart) ends the agent's WebRTC leg
with its reason and exits: aiortc's decoder threads are not daemons, and an open leg used to
keep the stopped process alive for as long as the browser at its other end stayed."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from channels_adapters.voice.media.webrtc import SERVER_STOPPING
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from tests.browser.conftest import serve
from tests.sockets import session_cookie
from tests.voice.media.conftest import answered_call
from tests.voice.media.softphone import Softphone
from tests.voice.media.test_consult import SILENT, connected
from tests.voice.media.twilio_stream import TwilioStream, stream_of

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_server_stopped_mid_call_ends_the_agents_leg_and_exits(
    client, api, line, softphone_agent, settings, media_root
):
    running = serve(MEDIA_ROOT=str(media_root))
    settings.PUBLIC_URL = base = next(running)
    phone, row, twiml = answered_call(client, api, softphone_agent)
    url, parameters = stream_of(twiml)

    async def call_then_stop():
        stream = TwilioStream(url, phone.call_sid)
        await stream.on_the_line(parameters)
        softphone = Softphone(base, await sync_to_async(session_cookie)(softphone_agent), SILENT)
        assert (await softphone.call(row.id))[0] == 200
        await connected(softphone)
        # SIGTERM, then the process must be gone (serve's teardown waits for it, 30 s at most)
        # while the softphone is still connected.
        await asyncio.to_thread(next, running, None)
        await softphone.pc.close()

    asyncio.run(call_then_stop())

    left = [
        e.data for e in store.read_stream(stream_id(row.id)) if e.type == "SoftphoneDisconnected"
    ]
    assert [(d["agent_id"], d["reason"]) for d in left] == [(softphone_agent.pk, SERVER_STOPPING)]
