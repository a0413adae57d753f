"""Every socket answers a frame it cannot read with an error frame and stays open: binary
frames, text that is not JSON, JSON that Python's parser takes but JSON does not (`NaN`,
`Infinity`), numbers out of range (`1e999`, a 5,000-digit integer), nesting deep enough to
exhaust the stack, frames past the size limit, and JSON that is no object."""

import pytest
from django.test import override_settings

from channels_adapters.webchat.models import WebChatChannel
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, next_frame, supervisor_socket, visitor_socket

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
async def test_a_binary_frame_gets_an_error_frame_and_the_socket_stays_open(sockets, kind):
    socket, code = await sockets(kind)
    await socket.send_to(bytes_data=b'\x00\xff{"type": "sync"}')
    frame = await next_frame(socket, "error")
    assert frame["code"] == code and "binary" in frame["reason"], frame
    await still_open(socket)
    await socket.disconnect()


@pytest.mark.parametrize("kind", ["agent", "supervisor", "visitor"])
async def test_a_frame_past_the_size_limit_is_refused_unread(sockets, kind):
    socket, code = await sockets(kind)
    with override_settings(WEBSOCKET_FRAME_MAX_CHARS=1000):
        await socket.send_json_to({"type": "note", "interaction_id": "x", "text": "a" * 1000})
        frame = await next_frame(socket, "error")
    assert frame["code"] == code and "at most 1000 characters" in frame["reason"], frame
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
