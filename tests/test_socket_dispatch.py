"""What a message to one of our sockets costs before its handler runs: a frame in or a push
out goes straight to its handler, without Channels' hop to a thread to close that thread's
old database connections (a hundred consoles pushed to were a hundred hops: issue 18)."""

import uuid

import channels.consumer
import channels.generic.websocket
import pytest
from channels.db import database_sync_to_async as sync_to_async

from channels_adapters.webchat.models import WebChatChannel
from routing import router
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, event, next_frame, request, visitor_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hops(monkeypatch) -> list[str]:
    made: list[str] = []

    async def counted() -> None:
        made.append("aclose_old_connections")

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    monkeypatch.setattr(channels.generic.websocket, "aclose_old_connections", counted)
    return made


async def an_agent_and_a_visitor_connected():
    queue = await sync_to_async(a_queue)(name="Support", entry="webchat:*")
    await sync_to_async(WebChatChannel.objects.create)(key="demo", name="Demo")
    agent = await sync_to_async(an_agent)(queue)
    console = await agent_socket(agent)
    await next_frame(console, "snapshot")
    visitor = await visitor_socket()
    await next_frame(visitor, "welcome")
    return agent, console, visitor


async def test_frames_and_pushes_reach_their_handlers_without_a_hop_to_a_thread(hops):
    _, console, visitor = await an_agent_and_a_visitor_connected()

    message_id = uuid.uuid4().hex
    await visitor.send_json_to(
        {"type": "message", "text": "hello", "client_message_id": message_id}
    )
    await next_frame(visitor, "ack", client_message_id=message_id)
    await sync_to_async(router.route_once)()
    offer = await event(console, "OfferCreated")  # a push through the channel layer
    accepted = await request(
        console,
        "accept",
        interaction_id=offer["data"]["interaction_id"],
        offer_id=offer["data"]["offer_id"],
    )

    assert accepted["type"] == "ack"
    assert hops == []
    await visitor.disconnect()
    await console.disconnect()


async def test_a_socket_that_closes_makes_no_hop_to_a_thread(hops):
    """Channels' disconnect, too, went to a thread of its own to close that thread's old
    database connections: a tenth of a visitor's leaving (issue 18). Our sockets' database
    calls close theirs on the thread that made them."""
    _, console, visitor = await an_agent_and_a_visitor_connected()

    await visitor.disconnect()
    await console.disconnect()

    assert hops == []


async def test_a_push_to_a_socket_that_has_just_closed_is_no_error_in_the_log(caplog):
    """Daphne refuses a send on a connection that closed a moment before (autobahn's
    `Disconnected`): the visitor or agent left while a push was on its way. That is no bug
    of ours, and it was logged with a traceback (seen in a database-outage test)."""
    from autobahn.exception import Disconnected

    from channels_adapters.webchat.consumers import VisitorConsumer

    async def closed(message) -> None:
        raise Disconnected("Attempt to send on a closed protocol")

    consumer = VisitorConsumer()
    consumer.base_send = closed
    consumer.scope = {"type": "websocket"}

    await consumer.dispatch({"type": "push.frames", "frames": [{"type": "message"}]})

    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert "Traceback" not in caplog.text


@pytest.fixture
def crossings(monkeypatch) -> list[str]:
    """The functions run on a thread from the event loop, in order: each crossing is a
    thread's wake-up and the loop's, the dearest thing a socket does on the 2-core machine."""
    from asgiref import sync

    from contactcenter import db_threads

    made: list[str] = []
    to_thread = sync.SyncToAsync.thread_handler
    one_call = db_threads._one_call

    def on_thread(self, loop, *args, **kwargs):
        made.append(getattr(self.func, "__qualname__", repr(self.func)))
        return to_thread(self, loop, *args, **kwargs)

    def our_call(loop, function, *args, **kwargs):  # the sockets' own (db_threads.in_thread)
        made.append(getattr(function, "__qualname__", repr(function)))
        return one_call(loop, function, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "thread_handler", on_thread)
    monkeypatch.setattr(db_threads, "_one_call", our_call)
    return made


async def test_an_offer_opens_and_is_accepted_in_one_trip_to_the_database_each(crossings):
    """The console subscribed to the chat when its offer was pushed: opening it (the check
    and the view) and accepting it (the accept and what it changed) need no subscribing
    between their reads, so each is one call of the database thread."""
    agent, console, visitor = await an_agent_and_a_visitor_connected()
    await visitor.send_json_to({"type": "message", "text": "hello", "client_message_id": "m1"})
    await next_frame(visitor, "ack", client_message_id="m1")
    await sync_to_async(router.route_once)()
    offer = (await event(console, "OfferCreated"))["data"]
    interaction_id = offer["interaction_id"]

    crossings.clear()
    await console.send_json_to({"type": "open", "interaction_id": interaction_id})
    view = (await next_frame(console, "interaction"))["interaction"]
    assert view["id"] == interaction_id and view["messages"][0]["text"] == "hello"
    assert len(crossings) == 1, crossings

    crossings.clear()
    accepted = await request(
        console, "accept", interaction_id=interaction_id, offer_id=offer["offer_id"], view="partial"
    )
    assert accepted["type"] == "ack", accepted
    assert accepted["interaction"]["partial"] and accepted["interaction"]["agent_id"] == agent.pk
    assert len(crossings) == 1, crossings

    await visitor.disconnect()
    await console.disconnect()


async def test_a_visitors_socket_opens_without_a_hop_to_look_up_a_user(crossings):
    """A widget visitor has a token, not a session: their socket skips the session and user
    middleware, whose lookup of a user no one logged in as was a hop to a thread of its own
    at every connect (and their socket never reads either)."""
    await WebChatChannel.objects.acreate(key="demo", name="Demo")
    crossings.clear()
    socket = await visitor_socket()
    await next_frame(socket, "welcome")
    await socket.disconnect()

    # The channel and the welcome in one trip: no `get_user` before it, and no trip for the
    # channel alone (issue 18).
    assert crossings[:1] == ["opened"], crossings
    assert "channel" not in crossings and "arrived" not in crossings, crossings


async def test_a_socket_takes_each_message_in_turn_without_a_task_for_each(hops):
    """Channels waits for a socket's next frame or push with a new task and `asyncio.wait`
    over both for every message it takes: 2.6 % of the servers' samples at 20 chats/s, for
    waiting (issue 18). A socket reads its two inboxes with a task each for its life, and
    handles what they bring one at a time, in the order it came."""
    import asyncio

    _, console, visitor = await an_agent_and_a_visitor_connected()
    loop = asyncio.get_running_loop()
    made = []
    factory = loop.get_task_factory()

    def counted(loop, coro, **kwargs):
        made.append(getattr(coro, "__qualname__", repr(coro)))
        if factory is not None:
            return factory(loop, coro, **kwargs)
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(counted)
    try:
        for n in range(5):
            await visitor.send_to(text_data=f"not JSON {n}")
        reasons = [(await next_frame(visitor, "error"))["code"] for _ in range(5)]
    finally:
        loop.set_task_factory(factory)

    assert reasons == ["bad_frame"] * 5
    assert made == []  # Channels: a task waiting for the next frame, at each (Queue.get)
    await visitor.disconnect()
    await console.disconnect()


async def test_a_socket_reads_nothing_more_from_its_client_after_the_disconnect():
    """After `websocket.disconnect` nothing more comes from the client (ASGI). Some servers
    answer every later `receive()` with the disconnect again, at once: uvicorn's `websockets`
    protocol does. The socket's reader asked again while the disconnect was being handled,
    and spun; a leaving visitor cost 64 ms of CPU instead of 3 (issue 18, tried under
    uvicorn). It reads the client up to the disconnect and no further."""
    import asyncio

    from channels.exceptions import StopConsumer

    from contactcenter.json_frames import in_turn

    asked = 0

    async def client() -> dict:
        nonlocal asked
        asked += 1
        await asyncio.sleep(0)  # a turn of the loop each time, as a server's queue gives
        return {"type": "websocket.disconnect", "code": 1000}

    async def never() -> dict:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    handled = []

    async def dispatch(message) -> None:
        handled.append(message["type"])
        await asyncio.sleep(0.05)  # the disconnect's own work: leaving, a commit
        raise StopConsumer()

    with pytest.raises(StopConsumer):
        await in_turn([client, never], dispatch)

    assert handled == ["websocket.disconnect"]
    assert asked == 1
