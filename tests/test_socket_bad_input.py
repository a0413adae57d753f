"""Every socket answers a frame it cannot read with an error frame and stays open: binary
frames, text that is not JSON, JSON that Python's parser takes but JSON does not (`NaN`,
`Infinity`), numbers out of range (`1e999`, a 5,000-digit integer), nesting deep enough to
exhaust the stack, frames past the size limit, and JSON that is no object."""

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.test import override_settings

from channels_adapters.webchat.models import WebChatChannel
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, next_frame, request, supervisor_socket, visitor_socket

pytestmark = pytest.mark.django_db(transaction=True)

UNREADABLE = {
    "not JSON": "hello there",
    "NaN": '{"type": "note", "interaction_id": "x", "text": NaN}',
    "Infinity": '{"type": "rate", "rating": Infinity}',
    "minus Infinity": '{"type": "transfer", "interaction_id": "x", "queue_id": -Infinity}',
    "1e999": '{"type": "rate", "rating": 1e999}',
    "huge integer": '{"type": "canned", "interaction_id": "x", "canned_id": ' + "9" * 5000 + "}",
    "deep nesting": '{"type": "note", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "truncated": '{"type": "note", "text": "unfinished',
    "half a surrogate pair": '{"type": "note", "interaction_id": "x", "text": "\\ud800"}',
    "a NUL character": '{"type": "note", "interaction_id": "x", "text": "a\\u0000b"}',
}
NOT_AN_OBJECT = ["[]", '"note"', "null", "42", "[{}]"]


@pytest.fixture
def sockets():
    """Open one socket of each kind; each answers unreadable frames with its own error code."""
    support = a_queue(name="Support", entry="webchat:*")
    WebChatChannel.objects.create(key="demo", name="Demo")
    agent = an_agent(support, username="alice")
    boss = an_agent(support, username="boss", supervisor=True, available=False)

    async def open_(kind: str):
        if kind == "agent":
            socket = await agent_socket(agent)
            await next_frame(socket, "snapshot")
            return socket, "bad_request"
        if kind == "supervisor":
            socket = await supervisor_socket(boss)
            await next_frame(socket, "board")
            return socket, "bad_request"
        socket = await visitor_socket()
        await next_frame(socket, "welcome")
        return socket, "bad_frame"

    return open_


async def still_open(socket) -> None:
    """The socket still reads frames: an unknown request gets its error."""
    await socket.send_json_to({"type": "no_such_request", "ref": "alive"})
    frame = await next_frame(socket, "error", skip=("tick", "queue_position", "board"))
    assert frame["code"] == "unknown_type", frame


@pytest.mark.parametrize("kind", ["agent", "supervisor", "visitor"])
async def test_an_unreadable_frame_gets_an_error_frame_and_the_socket_stays_open(sockets, kind):
    socket, code = await sockets(kind)
    for name, raw in UNREADABLE.items():
        await socket.send_to(text_data=raw)
        frame = await next_frame(socket, "error")
        assert frame["code"] == code and frame["reason"], (name, frame)
    await still_open(socket)
    await socket.disconnect()


@pytest.mark.parametrize("kind", ["agent", "supervisor", "visitor"])
async def test_a_binary_or_oversized_frame_is_refused_unread_and_the_socket_stays_open(
    sockets, kind
):
    socket, code = await sockets(kind)
    await socket.send_to(bytes_data=b'\x00\xff{"type": "sync"}')
    binary = await next_frame(socket, "error")
    with override_settings(WEBSOCKET_FRAME_MAX_CHARS=1000):
        await socket.send_json_to({"type": "note", "interaction_id": "x", "text": "a" * 1000})
        oversized = await next_frame(socket, "error")

    assert binary["code"] == code and "binary" in binary["reason"], binary
    assert oversized["code"] == code, oversized
    assert "at most 1000 characters" in oversized["reason"], oversized
    await still_open(socket)
    await socket.disconnect()


@pytest.mark.parametrize("kind", ["agent", "supervisor", "visitor"])
async def test_json_that_is_no_object_is_an_unknown_request(sockets, kind):
    socket, _ = await sockets(kind)
    for raw in NOT_AN_OBJECT:
        await socket.send_to(text_data=raw)
        assert (await next_frame(socket, "error"))["code"] == "unknown_type", raw
    await still_open(socket)
    await socket.disconnect()


OUT_OF_RANGE = "9" * 20  # a whole number, but no database column holds it


async def test_an_id_out_of_range_is_a_bad_request_not_a_crash(sockets):
    agent_socket_, _ = await sockets("agent")
    boss_socket, _ = await sockets("supervisor")
    interaction_id = await held_by_alice()

    transfer = await request(
        agent_socket_,
        "transfer",
        interaction_id=interaction_id,
        kind="agent",
        agent_id=OUT_OF_RANGE,
    )
    canned = await request(
        agent_socket_, "canned", interaction_id=interaction_id, canned_id=OUT_OF_RANGE
    )
    forced = await request(boss_socket, "force_presence", agent_id=OUT_OF_RANGE, presence="offline")
    assigned = await request(
        boss_socket, "assign", interaction_id=interaction_id, agent_id=OUT_OF_RANGE
    )

    for answer in (transfer, canned, forced, assigned):
        assert answer["code"] == "bad_request" and "out of range" in answer["reason"], answer
    await still_open(agent_socket_)
    await still_open(boss_socket)
    await agent_socket_.disconnect()
    await boss_socket.disconnect()


@sync_to_async
def held_by_alice() -> str:
    interaction_id = ingest(chat_message(text="Hello")).interaction_id
    router.route_once()
    row = Interaction.objects.get(pk=interaction_id)
    offers.accept_offer(row.id, row.offer_id, row.offer_agent_id)
    return interaction_id
