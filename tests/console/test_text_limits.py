"""What staff type has a length limit: a reply, an internal note, a customer note, a whisper.
Past it the request is refused with the limit in the reason, and nothing is recorded."""

import pytest
from channels.db import database_sync_to_async as sync_to_async

from channels_adapters.webchat.models import WebChatChannel
from contactcenter.events import store
from contactcenter.interactions.domain import MESSAGE_MAX_CHARS, NOTE_MAX_CHARS
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, next_frame, request, supervisor_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation():
    """Alice is talking with a chat customer; her supervisor is around."""
    support = a_queue(name="Support", entry="webchat:*", dispositions=("resolved",))
    WebChatChannel.objects.create(key="demo", name="Demo")
    alice = an_agent(support, username="alice")
    boss = an_agent(support, username="boss", supervisor=True, available=False)
    interaction_id = ingest(chat_message(text="Hello")).interaction_id
    router.route_once()
    row = Interaction.objects.get(pk=interaction_id)
    offers.accept_offer(row.id, row.offer_id, alice.pk)
    return {"alice": alice, "boss": boss, "id": interaction_id, "customer": row.customer_id}


async def test_a_reply_or_a_note_past_its_limit_is_refused_and_nothing_is_recorded(
    conversation,
):
    socket = await agent_socket(conversation["alice"])
    await next_frame(socket, "snapshot")
    interaction_id = conversation["id"]
    before = await sync_to_async(store.count)()

    reply = await request(
        socket,
        "send",
        interaction_id=interaction_id,
        text="a" * (MESSAGE_MAX_CHARS + 1),
        client_message_id="long",
    )
    note = await request(
        socket, "note", interaction_id=interaction_id, text="n" * (NOTE_MAX_CHARS + 1)
    )
    customer_note = await request(
        socket,
        "customer_note",
        customer_id=conversation["customer"],
        text="c" * (NOTE_MAX_CHARS + 1),
    )

    assert (reply["code"], reply["reason"]) == (
        "refused",
        f"a message of {MESSAGE_MAX_CHARS + 1} characters: at most {MESSAGE_MAX_CHARS}",
    )
    assert note["code"] == "refused" and f"at most {NOTE_MAX_CHARS}" in note["reason"]
    assert customer_note["code"] == "refused"
    assert f"at most {NOTE_MAX_CHARS}" in customer_note["reason"]
    assert await sync_to_async(store.count)() == before

    fits = await request(socket, "note", interaction_id=interaction_id, text="n" * NOTE_MAX_CHARS)
    assert fits["type"] == "ack"
    await socket.disconnect()


async def test_a_whisper_past_the_limit_is_refused(conversation):
    socket = await supervisor_socket(conversation["boss"])
    await next_frame(socket, "board")
    whisper = await request(
        socket, "whisper", interaction_id=conversation["id"], text="w" * (NOTE_MAX_CHARS + 1)
    )
    assert whisper["code"] == "refused" and f"at most {NOTE_MAX_CHARS}" in whisper["reason"]
    await socket.disconnect()


async def test_a_client_message_id_too_long_to_keep_is_refused(conversation):
    """It becomes the reply's idempotency key, a column of 255 characters (on PostgreSQL an
    overflow broke the socket)."""
    socket = await agent_socket(conversation["alice"])
    await next_frame(socket, "snapshot")
    reply = await request(
        socket,
        "send",
        interaction_id=conversation["id"],
        text="Hello!",
        client_message_id="c" * 300,
    )
    assert reply["code"] == "refused" and "at most 100" in reply["reason"], reply
    fits = await request(
        socket, "send", interaction_id=conversation["id"], text="Hello!", client_message_id="c1"
    )
    assert fits["type"] == "ack"
    await socket.disconnect()
