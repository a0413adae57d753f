"""The widget's "e-mail me this conversation" is no mail relay: the transcript goes to the
address given in the pre-chat form, or to one that confirmed by a link; a few mails per
conversation, and a limit per IP."""

import re
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail

from channels_adapters.webchat import consumers, tokens
from channels_adapters.webchat.models import WebChatChannel
from contactcenter.asgi import application
from tests.routing.builders import a_queue
from tests.sockets import ORIGIN, first_frame, next_frame

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat(settings):
    settings.WEBCHAT_TRANSCRIPTS_PER_CONVERSATION = 3
    settings.WEBCHAT_TRANSCRIPTS_PER_IP_PER_HOUR = 10
    consumers._transcripts_per_ip.clear()
    a_queue(name="Support", entry="webchat:*")
    yield WebChatChannel.objects.create(key="demo", name="Demo", title="Shop chat")
    consumers._transcripts_per_ip.clear()


async def visitor_from(ip: str) -> WebsocketCommunicator:
    token, _ = tokens.issue("demo", str(uuid.uuid4()))
    socket = WebsocketCommunicator(application, f"/ws/webchat/?token={token}", headers=[ORIGIN])
    socket.scope["client"] = (ip, 50000)
    connected, _ = await socket.connect(timeout=5)
    assert connected
    await next_frame(socket, "welcome")
    return socket


async def chatted(socket, email: str = "") -> None:
    """The pre-chat form (with an e-mail, if given) and a first message."""
    await socket.send_json_to({"type": "start", "name": "Vera", "email": email})
    await next_frame(socket, "started")
    await socket.send_json_to(
        {"type": "message", "text": "My parcel is late", "client_message_id": uuid.uuid4().hex}
    )
    await next_frame(socket, "ack")


async def ask(socket, email: str) -> dict:
    """The answer to a transcript request: sent, a confirmation link sent, or an error."""
    await socket.send_json_to({"type": "transcript", "email": email})
    return await first_frame(
        socket,
        lambda frame: frame["type"] in ("transcript_sent", "transcript_confirmation", "error"),
    )


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


async def test_thirty_requests_for_strangers_send_no_transcript_to_any_of_them(chat):
    socket = await visitor_from("198.51.100.7")
    await chatted(socket, "vera@example.org")

    answers = [await ask(socket, f"victim{n}@example.net") for n in range(30)]

    assert [a["type"] for a in answers[:3]] == ["transcript_confirmation"] * 3
    assert {a.get("code") for a in answers[3:]} == {"refused", "rate_limited"}
    assert len(mail.outbox) == 3
    assert all("My parcel is late" not in m.body for m in mail.outbox)
    await socket.disconnect()


async def test_the_transcript_goes_at_once_to_the_address_given_before_the_chat(chat):
    socket = await visitor_from("198.51.100.8")
    await chatted(socket, "vera@example.org")

    answer = await ask(socket, "Vera@Example.org")

    assert (answer["type"], answer["to"]) == ("transcript_sent", "Vera@Example.org")
    (sent,) = mails_to("Vera@Example.org")
    assert "My parcel is late" in sent.body
    await socket.disconnect()


async def test_another_address_gets_the_transcript_only_after_it_confirms_the_link(chat, client):
    socket = await visitor_from("198.51.100.9")
    await chatted(socket)  # no e-mail in the form

    answer = await ask(socket, "dora@example.org")
    (link_mail,) = mails_to("dora@example.org")
    link = re.search(r"https?://\S+(/widget/transcript/\S+/)", link_mail.body).group(1)
    page = await sync_to_async(client.get)(link)
    confirmed = await sync_to_async(client.post)(link)
    again = await sync_to_async(client.post)(link)

    assert answer["type"] == "transcript_confirmation"
    assert "My parcel is late" not in link_mail.body
    assert page.status_code == 200 and "dora@example.org" in page.text
    assert confirmed.status_code == 200
    transcript = mails_to("dora@example.org")[1]
    assert "My parcel is late" in transcript.body
    assert again.status_code == 409  # one link, one mail
    assert (await ask(socket, "dora@example.org"))["type"] == "transcript_sent"  # confirmed now
    await socket.disconnect()


async def test_a_tampered_link_sends_nothing(chat, client):
    answer = await sync_to_async(client.post)("/widget/transcript/not-a-signed-link/")

    assert answer.status_code == 400
    assert mail.outbox == []


async def test_transcript_mails_from_one_ip_are_limited_whoever_asks(chat, settings):
    settings.WEBCHAT_TRANSCRIPTS_PER_IP_PER_HOUR = 2
    first, second = await visitor_from("203.0.113.5"), await visitor_from("203.0.113.5")
    elsewhere = await visitor_from("203.0.113.6")
    for socket in (first, second, elsewhere):
        await chatted(socket, "vera@example.org")

    answers = [await ask(first, "vera@example.org"), await ask(second, "vera@example.org")]
    limited = await ask(second, "vera@example.org")
    other_ip = await ask(elsewhere, "vera@example.org")

    assert [a["type"] for a in answers] == ["transcript_sent"] * 2
    assert limited["code"] == "rate_limited" and limited["retry_after"] > 0
    assert other_ip["type"] == "transcript_sent"
    for socket in (first, second, elsewhere):
        await socket.disconnect()
