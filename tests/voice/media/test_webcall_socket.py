"""A call from the web chat widget over `/ws/webcall/`, against the real ASGI application: the
visitor's token lets it in (nothing else does), its offer places a call on the voice channel
whose flow the keypad answers and whose queue it waits in; a browser that never completes ICE,
and signalling that cannot be read, end the leg with a reason, never the server."""

import asyncio
import contextlib

import pytest
from aiortc import RTCPeerConnection
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from channels_adapters.voice.media import webcall_socket
from channels_adapters.voice.media.webcall_socket import WebCallConsumer
from channels_adapters.webchat import tokens
from channels_adapters.webchat.models import WebChatChannel
from contactcenter.asgi import application
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.security import security_doc
from tests.sockets import ORIGIN, TIMEOUT, next_frame

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def web_chat(line):
    """The site's chat, beside the phone line whose voice entry point (`voice:*`) runs the
    menu flow: For Billing press 1, Sales 2, Support 3."""
    return WebChatChannel.objects.create(key="site", name="Site")


async def call_socket(token: str | None) -> WebsocketCommunicator:
    path = "/ws/webcall/" + (f"?token={token}" if token is not None else "")
    socket = WebsocketCommunicator(application, path, headers=[ORIGIN])
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    return socket


def visitor_token(chat_key: str = "site") -> str:
    return tokens.issue(chat_key)[0]


async def browser_offer() -> str:
    """A browser's offer, every candidate gathered, from a browser that is gone at once: the
    platform's connectivity checks go unanswered (ICE never completes)."""
    pc = RTCPeerConnection()
    pc.addTransceiver("audio")
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return sdp


def events_of(interaction_id: str) -> list:
    return list(store.read_stream(stream_id(interaction_id)))


async def test_the_keypad_answers_the_flow_and_the_call_waits_in_line_until_hung_up(
    web_chat, queues, settings
):
    settings.VOICE_ICE_TIMEOUT_SECONDS = 60  # the browser here never connects: not the point
    socket = await call_socket(visitor_token())
    assert (await next_frame(socket, "ready"))["ice_servers"] == []
    sdp = await browser_offer()
    await socket.send_json_to({"type": "call", "sdp": sdp})
    answer = await next_frame(socket, "answer")
    assert answer["sdp"].startswith("v=0")
    menu = await next_frame(socket, "prompt")
    while not menu["options"]:  # a greeting first
        menu = await next_frame(socket, "prompt")
    assert {"value": "3", "label": "Support"} in menu["options"]
    assert (await next_frame(socket, "call_state"))["state"] == "menu"

    await socket.send_json_to({"type": "keys", "digits": "3"})
    waiting = await next_frame(socket, "call_state")
    assert waiting["state"] == "waiting" and waiting["position"] == 1
    row = await sync_to_async(Interaction.objects.get)(pk=answer["interaction_id"])
    assert (row.channel, row.channel_key, row.state) == ("voice", "web:site", "queued")
    assert row.queue_id == queues["support"].pk  # the flow's choice

    await socket.send_json_to({"type": "hangup"})
    ended = await next_frame(socket, "call_state", state="ended")
    assert ended["reason"] == "the customer hung up"
    await socket.disconnect()
    row = await sync_to_async(Interaction.objects.get)(pk=row.pk)
    assert row.state == "abandoned"
    log = await sync_to_async(events_of)(row.pk)
    started = next(e for e in log if e.type == "CallStarted")
    assert started.data["direction"] == "web" and started.data["call_sid"].startswith("WC")
    assert next(e for e in log if e.type == "CallEnded").data["status"] == "completed"


async def test_an_agent_takes_a_web_call_without_twilio_and_its_controls_wait_for_the_audio(
    web_chat, queues, softphone_agent, api, settings, client
):
    settings.VOICE_ICE_TIMEOUT_SECONDS = 60
    socket = await call_socket(visitor_token())
    await next_frame(socket, "ready")
    await socket.send_json_to({"type": "call", "sdp": await browser_offer()})
    answer = await next_frame(socket, "answer")
    await socket.send_json_to({"type": "keys", "digits": "3"})
    await next_frame(socket, "call_state", state="waiting")

    @sync_to_async
    def accept() -> None:
        router.route_once()
        row = Interaction.objects.get(pk=answer["interaction_id"])
        offers.accept_offer(row.id, row.offer_id, softphone_agent.pk)

    await accept()
    talking = await next_frame(socket, "call_state", state="talking")
    assert talking["agent"]
    log = await sync_to_async(events_of)(answer["interaction_id"])
    (dialed,) = [e.data for e in log if e.type == "CallDialed"]
    assert (dialed["endpoint"], dialed["error"]) == ("softphone", "")
    assert api.requests == []  # no Twilio call behind it

    @sync_to_async
    def hold():
        client.force_login(softphone_agent)
        return client.post(f"/channels/voice/calls/{answer['interaction_id']}/hold/")

    held = await hold()
    assert held.status_code == 409
    assert held.json()["error"] == "the caller's audio has not connected yet"
    await socket.send_json_to({"type": "hangup"})
    await next_frame(socket, "call_state", state="ended")
    await socket.disconnect()
    row = await sync_to_async(Interaction.objects.get)(pk=answer["interaction_id"])
    assert row.state == "wrap_up"  # the customer left the agent


async def test_a_browser_that_never_completes_ice_ends_the_call_with_the_reason(
    web_chat, settings, caplog
):
    settings.VOICE_ICE_TIMEOUT_SECONDS = 1
    socket = await call_socket(visitor_token())
    await next_frame(socket, "ready")
    sdp = await browser_offer()
    await socket.send_json_to({"type": "call", "sdp": sdp})
    answer = await next_frame(socket, "answer")
    failed = await next_frame(socket, "error")
    assert failed["code"] == "call_failed"
    assert failed["reason"] == "ICE did not complete within 1 s"
    assert (await next_frame(socket, "call_state", state="ended"))["reason"] == failed["reason"]
    assert "ICE did not complete within 1 s" in caplog.text
    await socket.disconnect()
    row = await sync_to_async(Interaction.objects.get)(pk=answer["interaction_id"])
    assert row.state == "abandoned"  # it was still in the menu


@pytest.mark.parametrize(
    "frame, reason",
    [
        ({"type": "call"}, "a call frame carries the browser's offer"),
        ({"type": "call", "sdp": "hello"}, "a call frame carries the browser's offer"),
        ({"type": "dial", "number": "+15551230000"}, "unknown frame type 'dial'"),
        (["call"], "unknown frame type None"),
    ],
)
async def test_malformed_signalling_is_answered_and_places_no_call(web_chat, frame, reason):
    socket = await call_socket(visitor_token())
    await next_frame(socket, "ready")
    await socket.send_json_to(frame)
    error = await next_frame(socket, "error")
    assert error["code"] == "bad_frame" and error["reason"].startswith(reason)
    await socket.send_to(text_data='{"type": "keys", "digits": NaN}')
    assert (await next_frame(socket, "error"))["code"] == "bad_frame"
    await socket.disconnect()
    assert not await sync_to_async(Interaction.objects.filter(channel="voice").exists)()


async def test_malformed_signalling_during_a_call_ends_it_with_the_reason(web_chat, settings):
    settings.VOICE_ICE_TIMEOUT_SECONDS = 60
    socket = await call_socket(visitor_token())
    await next_frame(socket, "ready")
    sdp = await browser_offer()
    await socket.send_json_to({"type": "call", "sdp": sdp})
    answer = await next_frame(socket, "answer")
    await socket.send_json_to({"type": "dial", "number": "+15551230000"})
    error = await next_frame(socket, "error")
    assert error == {
        "type": "error",
        "code": "bad_frame",
        "reason": "malformed signalling: unknown frame type 'dial'",
    }
    assert (await next_frame(socket, "call_state", state="ended"))["reason"] == error["reason"]
    await socket.disconnect()
    log = await sync_to_async(events_of)(answer["interaction_id"])
    assert next(e for e in log if e.type == "CallEnded").data["status"] == "failed"
    row = await sync_to_async(Interaction.objects.get)(pk=answer["interaction_id"])
    assert row.state == "abandoned"


async def test_an_offer_aiortc_cannot_take_ends_the_leg_with_an_error_frame(web_chat):
    socket = await call_socket(visitor_token())
    await next_frame(socket, "ready")
    await socket.send_json_to({"type": "call", "sdp": "v=0\r\nm=video 9 RTP/AVP 0\r\n"})
    error = await next_frame(socket, "error")
    assert error["code"] == "bad_offer"
    assert (await next_frame(socket, "call_state", state="ended"))["reason"].startswith(
        "the offer could not be answered"
    )
    await socket.disconnect()


async def test_a_missing_forged_or_expired_token_is_refused(web_chat, monkeypatch):
    for token in (None, "forged", visitor_token("no-such-chat")):
        socket = await call_socket(token)
        refused = await next_frame(socket, "error")
        assert refused["code"] == "unauthorized"
        assert (await socket.receive_output(timeout=TIMEOUT))["code"] == 4401
    monkeypatch.setattr(tokens, "MAX_AGE_SECONDS", -1)
    socket = await call_socket(visitor_token())
    refused = await next_frame(socket, "error")
    assert refused["reason"] == "the visitor token has expired"


async def outcome(token: str | None, request: str) -> str:
    """What the socket answers `request` with, as docs/security.md's matrix writes it."""
    socket = await call_socket(token)
    first = await next_frame(socket)
    try:
        if first["type"] == "error" or request == "connect":
            return first.get("code") or first["type"]
        if request == "call":
            sdp = await browser_offer()
            await socket.send_json_to({"type": "call", "sdp": sdp})
        else:
            await socket.send_json_to({"type": request, "digits": "1"})
        try:
            answer = await socket.receive_json_from(timeout=TIMEOUT if request == "call" else 1)
        except TimeoutError:
            return "—"
        return answer.get("code") or answer["type"]
    finally:
        with contextlib.suppress(Exception, asyncio.CancelledError):  # closed already (4401)
            await socket.disconnect()


async def test_the_socket_answers_as_docs_security_says(web_chat):
    table = security_doc.table("`/ws/webcall/`")
    handled = {name[3:] for name in dir(WebCallConsumer) if name.startswith("on_")}
    assert handled == set(table.rows) - {"connect"}
    tokens_by_column = {"no token": None, "bad token": "forged", "visitor": visitor_token()}
    actual = {
        request: {
            column: await outcome(tokens_by_column[column], request) for column in table.columns
        }
        for request in table.rows
    }
    wrong = security_doc.mismatches(table, actual)
    assert not wrong, "docs/security.md should read:\n" + "\n".join(wrong)


@pytest.fixture
def no_calls_counted_yet():
    """The windows are this process's: calls placed by earlier tests do not count here."""
    webcall_socket.calls_per_visitor.clear()
    webcall_socket.calls_per_ip.clear()
    yield
    webcall_socket.calls_per_visitor.clear()
    webcall_socket.calls_per_ip.clear()


async def place_and_hang_up(socket: WebsocketCommunicator) -> dict:
    """Call, then hang up at once: the answer to the offer, or the error frame instead."""
    await socket.send_json_to({"type": "call", "sdp": await browser_offer()})
    first = await next_frame(socket, skip=("tick", "queue_position", "prompt", "call_state"))
    if first["type"] == "answer":
        await socket.send_json_to({"type": "hangup"})
        await next_frame(socket, "call_state", state="ended")
    return first


async def test_a_visitor_and_an_address_that_call_too_often_are_told_to_wait(
    web_chat, settings, no_calls_counted_yet
):
    settings.VOICE_ICE_TIMEOUT_SECONDS = 60
    settings.WEBCALL_CALLS_PER_VISITOR_PER_HOUR = 2
    settings.WEBCALL_CALLS_PER_IP_PER_HOUR = 3
    calls = sync_to_async(Interaction.objects.filter(channel="voice").count)

    # One visitor calls twice, hanging up each time, and then once too often.
    caller = visitor_token()
    socket = await call_socket(caller)
    await next_frame(socket, "ready")
    assert (await place_and_hang_up(socket))["type"] == "answer"
    assert (await place_and_hang_up(socket))["type"] == "answer"
    refused = await place_and_hang_up(socket)
    assert refused["code"] == "rate_limited"
    assert refused["reason"] == "too many calls from here; try again in about 60 min"
    assert 3590 < refused["retry_after"] <= 3600
    await socket.disconnect()
    assert await calls() == 2  # the refused attempt placed no call

    # A new socket is the same visitor: still refused.
    socket = await call_socket(caller)
    await next_frame(socket, "ready")
    assert (await place_and_hang_up(socket))["code"] == "rate_limited"
    await socket.disconnect()

    # Another visitor at the same address gets the address's last call, a third one does not.
    for token, expected in ((visitor_token(), "answer"), (visitor_token(), "rate_limited")):
        socket = await call_socket(token)
        await next_frame(socket, "ready")
        first = await place_and_hang_up(socket)
        assert first.get("code", first["type"]) == expected, first
        await socket.disconnect()
    assert await calls() == 3
