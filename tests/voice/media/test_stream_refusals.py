"""Only Twilio, for a call we connected, may open a Media Stream: an unsigned or badly signed
upgrade, a missing, forged, foreign or expired token are closed with the reason and store
nothing. A stream that goes wrong later (malformed or out-of-order messages, another stream's
messages) ends with its reason logged, and the caller goes back to the head of the line."""

import asyncio
import json
import time

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core import signing
from twilio.request_validator import RequestValidator

from channels_adapters.voice.media import tokens
from contactcenter.asgi import application
from contactcenter.events import store
from contactcenter.events.models import Event
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.twilio_api import TOKEN
from tests.voice.media.test_protocol import START, media
from tests.voice.phone import Phone

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/ws/media/twilio/"


def signature(token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(tokens.stream_url(settings.PUBLIC_URL), {})


async def stream(signed: str | None) -> WebsocketCommunicator:
    headers = [(b"x-twilio-signature", signed.encode())] if signed else []
    socket = WebsocketCommunicator(application, URL, headers=headers)
    connected, _ = await socket.connect(timeout=5)
    assert connected
    return socket


def start(call_sid: str, token: str) -> str:
    body = json.loads(json.dumps(START))
    body["start"]["callSid"] = call_sid
    body["start"]["customParameters"] = {"token": token}
    return json.dumps(
        {"event": "start", "sequenceNumber": "1", "streamSid": START["start"]["streamSid"], **body}
    )


CONNECTED = json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})


async def closed_with(socket: WebsocketCommunicator) -> dict:
    while True:
        output = await socket.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output


def issued_long_ago(call_sid: str, interaction_id: str) -> str:
    """A token as `tokens.issue` made it, one VOICE_MEDIA_TOKEN_SECONDS and more ago."""

    class Then(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - settings.VOICE_MEDIA_TOKEN_SECONDS - 5)

    return Then(salt=tokens.SALT).sign_object({"call": call_sid, "interaction": interaction_id})


@pytest.fixture
def on_the_call(client, api, line, agent):
    phone = Phone(client)
    phone.dial_in()
    phone.press("3")
    router.route_once()
    row = Interaction.objects.get(channel="voice")
    offers.accept_offer(row.id, row.offer_id, agent.pk)
    return phone.call_sid, row.id


@pytest.mark.parametrize(
    ("signed", "reason"),
    [(None, "missing X-Twilio-Signature"), ("bm9wZQ==", "bad X-Twilio-Signature")],
)
async def test_an_upgrade_not_signed_by_twilio_is_closed_with_the_reason(line, signed, reason):
    socket = await stream(signed)
    closed = await closed_with(socket)
    assert (closed["code"], closed["reason"]) == (4403, reason)


async def test_a_signature_by_another_auth_token_is_refused(line):
    socket = await stream(signature("someone-elses-token"))
    assert (await closed_with(socket))["reason"] == "bad X-Twilio-Signature"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "no token"),
        ("forged:token", "not ours"),
        ("other-call", "another call"),
        ("expired", "expired"),
    ],
)
def test_a_stream_without_a_good_token_stores_nothing(on_the_call, token, reason):
    call_sid, interaction_id = on_the_call
    if token == "other-call":
        token = tokens.issue("CA" + "f" * 32, interaction_id)
    elif token == "expired":
        token = issued_long_ago(call_sid, interaction_id)
    before = Event.objects.count()

    async def attempt():
        socket = await stream(signature())
        await socket.send_to(text_data=CONNECTED)
        await socket.send_to(text_data=start(call_sid, token))
        return await closed_with(socket)

    closed = asyncio.run(attempt())
    assert closed["code"] == 4403 and reason in closed["reason"]
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("not json", "not JSON"),
        (media(5, 1), "sequenceNumber 5 after 1"),
        (json.dumps(json.loads(media(2, 1)) | {"streamSid": "MZ" + "9" * 32}), "another stream"),
    ],
)
def test_a_broken_stream_ends_with_its_reason_and_the_caller_goes_back_in_line(
    on_the_call, bad, reason
):
    call_sid, interaction_id = on_the_call

    async def talk():
        socket = await stream(signature())
        await socket.send_to(text_data=CONNECTED)
        await socket.send_to(text_data=start(call_sid, tokens.issue(call_sid, interaction_id)))
        await socket.send_to(text_data=bad)
        return await closed_with(socket)

    closed = asyncio.run(talk())
    assert closed["code"] == 4400 and reason in closed["reason"]
    ended = [
        e for e in store.read_stream(stream_id(interaction_id)) if e.type == "MediaStreamEnded"
    ]
    assert len(ended) == 1 and reason in ended[0].data["reason"]
    assert Interaction.objects.get(pk=interaction_id).state == "queued"
