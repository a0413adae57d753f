"""A waiting visitor hears their place in line; a visitor in conversation is not asked about
it at all (the socket read the whole conversation every 5 s for every open widget)."""

import asyncio
from collections import Counter

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.contrib.auth.models import User

from channels_adapters.webchat import consumers
from channels_adapters.webchat import visitor as visitors
from channels_adapters.webchat.models import WebChatChannel
from contactcenter.actions import Actor
from contactcenter.actions import interactions as actions
from contactcenter.interactions.models import Interaction
from routing import router
from tests.sockets import next_frame, visitor_socket
from tests.webchat.test_visitor_socket import say

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center():
    from tests.routing.builders import a_queue, an_agent

    support = a_queue(name="Support", entry="webchat:*")
    WebChatChannel.objects.create(key="demo", name="Demo", messages_per_minute=50)
    return {"agent": an_agent(support)}


@sync_to_async
def accept(interaction_id: str, agent_id: int) -> None:
    """The agent takes Alice's chat; Bob's waits (the agent is offered it, and lets it be)."""
    router.route_once()
    row = Interaction.objects.get(pk=interaction_id)
    actions.accept(Actor.of(User.objects.get(pk=agent_id), "console"), row.id, row.offer_id)


@pytest.fixture
def asked(monkeypatch) -> Counter:
    """How often each visitor's place in line was looked up."""
    monkeypatch.setattr(consumers, "POSITION_EVERY_SECONDS", 0.2)
    counts: Counter = Counter()
    original = visitors.waiting_position

    def counted(visitor):
        counts[visitor.visitor_id] += 1
        return original(visitor)

    monkeypatch.setattr(visitors, "waiting_position", counted)
    return counts


async def test_waiting_visitors_hear_their_place_and_chatting_ones_are_not_asked(center, asked):
    alice, bob = await visitor_socket(visitor_id="alice"), await visitor_socket(visitor_id="bob")
    await next_frame(alice, "welcome")
    await next_frame(bob, "welcome")
    first = await say(alice, "first in line")
    await say(bob, "second in line")
    assert (await next_frame(alice, "queue_position", skip=("tick",)))["position"] == 1
    assert (await next_frame(bob, "queue_position", skip=("tick",)))["position"] == 2

    await accept(first["interaction_id"], center["agent"].pk)
    await next_frame(alice, "agent_joined", skip=("tick", "queue_position"))
    moved_up = await next_frame(bob, "queue_position", skip=("tick",), position=1)
    assert moved_up["position"] == 1

    chatting = asked["alice"]
    await asyncio.sleep(1)  # five polls' worth
    assert asked["alice"] == chatting  # in conversation: nobody looks up her place
    assert asked["bob"] > 2  # still waiting: still asked
    for socket in (alice, bob):
        await socket.disconnect()


async def test_a_visitor_who_never_wrote_is_not_asked_either(center, asked):
    socket = await visitor_socket(visitor_id="carol")
    await next_frame(socket, "welcome")
    await asyncio.sleep(0.7)
    assert asked["carol"] == 0
    await socket.disconnect()
