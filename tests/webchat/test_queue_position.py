"""A waiting visitor is told their place in line whenever the line moves — pushed when work
joins or leaves the queue, whatever its channel — and a visitor in conversation is told
nothing. Nobody asks: each waiting widget's socket used to read the database every 5 s
(issue 18)."""

import asyncio

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.contrib.auth.models import User

from channels_adapters.webchat.models import WebChatChannel
from contactcenter.actions import Actor
from contactcenter.actions import interactions as actions
from contactcenter.interactions.models import Interaction
from routing import router
from tests import statements
from tests.factories import email_message
from tests.sockets import next_frame, visitor_socket
from tests.webchat.test_visitor_socket import say

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center():
    from tests.routing.builders import a_queue, an_agent

    support = a_queue(name="Support", entry="webchat:*")
    WebChatChannel.objects.create(key="demo", name="Demo", messages_per_minute=50)
    return {"queue": support, "agent": an_agent(support, capacity_webchat=1, capacity_email=1)}


@sync_to_async
def accept(interaction_id: str, agent_id: int) -> None:
    """The agent takes the offered work; the rest waits (the agent has room for one chat)."""
    router.route_once()
    row = Interaction.objects.get(pk=interaction_id)
    actions.accept(Actor.of(User.objects.get(pk=agent_id), "console"), row.id, row.offer_id)


async def nothing_but_ticks(socket, seconds: float) -> list[dict]:
    """The frames other than ticks that reach `socket` within `seconds` (asgiref's own
    receive with a timeout would cancel the consumer when nothing comes)."""
    frames = []
    deadline = asyncio.get_running_loop().time() + seconds
    while (left := deadline - asyncio.get_running_loop().time()) > 0:
        if await socket.receive_nothing(timeout=left):
            break
        frame = await socket.receive_json_from()
        if frame.get("type") != "tick":
            frames.append(frame)
    return frames


async def test_waiting_visitors_are_told_their_place_when_the_line_moves(center):
    alice, bob = await visitor_socket(visitor_id="alice"), await visitor_socket(visitor_id="bob")
    await next_frame(alice, "welcome")
    await next_frame(bob, "welcome")
    first = await say(alice, "first in line")
    assert (await next_frame(alice, "queue_position", skip=("tick",)))["position"] == 1
    await say(bob, "second in line")
    assert (await next_frame(bob, "queue_position", skip=("tick",)))["position"] == 2

    await accept(first["interaction_id"], center["agent"].pk)
    await next_frame(alice, "agent_joined", skip=("tick", "queue_position"))
    moved_up = await next_frame(bob, "queue_position", skip=("tick",))
    assert moved_up["position"] == 1

    # Nothing moves: nothing is said, and nothing is read (the socket asked every 5 s).
    with statements.recorded() as run:
        assert await nothing_but_ticks(bob, 1.0) == []
    assert run == []
    # Alice is in conversation: a newcomer behind Bob tells her nothing, and Bob no new place.
    carol = await visitor_socket(visitor_id="carol")
    await next_frame(carol, "welcome")
    await say(carol, "third")
    assert (await next_frame(carol, "queue_position", skip=("tick",)))["position"] == 2
    assert await nothing_but_ticks(alice, 0.5) == []
    assert await nothing_but_ticks(bob, 0.5) == []
    for socket in (alice, bob, carol):
        await socket.disconnect()


def line_reads(run: list[str]) -> list[str]:
    """The reads of a queue's line (routing.waiting.line) among the statements run."""
    return [sql for sql in run if sql.startswith(LINE_READ)]


LINE_READ = 'SELECT "id", "channel", "channel_key", "threading_key" FROM "interactions_interaction"'


async def test_a_burst_of_arrivals_reads_the_line_once_a_window_and_tells_the_last_their_place(
    center, monkeypatch
):
    """The first change to a line is told at once, the ones that follow within
    LINE_SECONDS together at its end: a line of hundreds moving at every arrival and answer
    was read and pushed to everyone in it each time (issue 18)."""
    from channels_adapters.webchat import lines
    from contactcenter.interactions.ingest import ingest
    from tests.factories import chat_message

    monkeypatch.setattr(lines, "LINE_SECONDS", 2.0)  # a window a burst fits in
    first = await visitor_socket(visitor_id="first")
    last = await visitor_socket(visitor_id="last")
    await next_frame(first, "welcome")
    await next_frame(last, "welcome")
    with statements.recorded() as run:
        await say(first, "first in line")
        assert (await next_frame(first, "queue_position", skip=("tick",)))["position"] == 1
        for n in range(5):
            await sync_to_async(ingest)(chat_message(visitor=f"burst-{n}"))
        await say(last, "and me")
        assert (await next_frame(last, "queue_position", skip=("tick",)))["position"] == 7

    # The first arrival's read, then the rest's together: one window, or two or three on a
    # machine too busy to make seven arrivals in 2 s; each arrival read it once before.
    arrivals = 7
    assert 2 <= len(line_reads(run)) < arrivals
    assert await nothing_but_ticks(first, 0.3) == []  # the ones behind her: not news to her
    for socket in (first, last):
        await socket.disconnect()
    # Nothing left to tell: the loop ends (no thread, no connection held), and the next
    # change starts one again.
    for _ in range(500):
        if not lines.running():
            break
        await asyncio.sleep(0.01)
    assert not lines.running()


async def test_work_of_another_channel_leaving_the_line_moves_the_visitor_up(center):
    from contactcenter.interactions.ingest import ingest
    from routing.models import EntryPoint

    await sync_to_async(EntryPoint.objects.create)(
        channel="email", channel_key="support@example.com", queue=center["queue"]
    )
    mail = await sync_to_async(ingest)(email_message())  # first in line
    dana = await visitor_socket(visitor_id="dana")
    await next_frame(dana, "welcome")
    await say(dana, "is anybody there?")
    assert (await next_frame(dana, "queue_position", skip=("tick",)))["position"] == 2

    await accept(mail.interaction_id, center["agent"].pk)
    assert (await next_frame(dana, "queue_position", skip=("tick",)))["position"] == 1
    await dana.disconnect()


async def test_a_visitor_who_returns_while_waiting_is_welcomed_with_their_place(center):
    erin = await visitor_socket(visitor_id="erin")
    await next_frame(erin, "welcome")
    await say(erin, "hello")
    await next_frame(erin, "queue_position", skip=("tick",))
    await erin.disconnect()

    again = await visitor_socket(visitor_id="erin")
    welcome = await next_frame(again, "welcome")
    assert welcome["conversation"]["queue"]["position"] == 1
    await again.disconnect()
