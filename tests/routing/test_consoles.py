"""Issue 14.1: presence follows the console. An agent whose last console socket is gone gets
no offers at once, loses the offer already out (the work keeps its place in line), and is
offline after the grace period unless a console comes back — a reload keeps everything."""

import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.test import override_settings

from contactcenter import clock
from contactcenter.events import store
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import consoles, presence, router
from routing.models import AgentState, ConsoleServer, ConsoleSocket
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, next_frame

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team():
    support = a_queue(name="Support", entry="webchat:*")
    return {
        "alice": an_agent(support, username="alice"),
        "bob": an_agent(support, username="bob", available=False),
    }


def agent_events(agent) -> list[str]:
    return [e.type for e in store.read_stream(presence.stream_id(agent.pk))]


def state(agent) -> AgentState:
    return AgentState.objects.get(pk=agent.pk)


async def console(agent):
    socket = await agent_socket(agent)
    await next_frame(socket, "snapshot")
    return socket


@sync_to_async
def a_chat_is_routed() -> Interaction:
    interaction_id = ingest(chat_message()).interaction_id
    router.route_once()
    return Interaction.objects.get(pk=interaction_id)


async def test_closing_the_last_console_withdraws_the_offer_and_the_next_agent_gets_it(team):
    alice, bob = team["alice"], team["bob"]
    socket = await console(alice)
    offered = await a_chat_is_routed()
    assert offered.offer_agent_id == alice.pk

    await socket.disconnect()
    await sync_to_async(presence.set_presence)(bob.pk, "available")
    await sync_to_async(router.route_once)()

    again = await sync_to_async(Interaction.objects.get)(pk=offered.pk)
    assert again.state == "offered" and again.offer_agent_id == bob.pk
    types = [e.type for e in await sync_to_async(store.read_stream)(f"interaction-{offered.pk}")]
    assert "OfferRescinded" in types and "OfferTimedOut" not in types  # no timeout wait
    assert again.first_queued_at == offered.first_queued_at  # its place in line kept
    assert (await sync_to_async(agent_events)(alice))[-1] == "AgentDisconnected"


async def test_a_disconnected_agent_gets_no_new_offers(team):
    alice = team["alice"]
    socket = await console(alice)
    await socket.disconnect()

    waiting = await a_chat_is_routed()

    assert waiting.state == "queued"
    assert (await sync_to_async(state)(alice)).presence == "available"  # within the grace


async def test_a_reload_within_the_grace_keeps_the_agent_available_and_routable(team):
    alice = team["alice"]
    first = await console(alice)
    await first.disconnect()
    second = await console(alice)  # the reloaded page

    offered = await a_chat_is_routed()

    assert offered.offer_agent_id == alice.pk
    assert (await sync_to_async(agent_events)(alice))[-2:] == [
        "AgentDisconnected",
        "AgentReconnected",
    ]
    await sync_to_async(router.route_once)(clock.now() + timedelta(minutes=5))
    assert (await sync_to_async(state)(alice)).presence == "available"  # no grace timer left
    await second.disconnect()


async def test_two_open_consoles_one_closed_changes_nothing(team):
    alice = team["alice"]
    first, second = await console(alice), await console(alice)
    await first.disconnect()

    assert "AgentDisconnected" not in await sync_to_async(agent_events)(alice)
    await second.disconnect()
    assert (await sync_to_async(agent_events)(alice))[-1] == "AgentDisconnected"


@override_settings(CONSOLE_GRACE_SECONDS=60)
async def test_after_the_grace_the_agent_is_offline_disconnected(team):
    alice = team["alice"]
    socket = await console(alice)
    await socket.disconnect()

    await sync_to_async(router.route_once)(clock.now() + timedelta(seconds=59))
    assert (await sync_to_async(state)(alice)).presence == "available"
    with clock.travel(timedelta(seconds=61)):
        await sync_to_async(router.route_once)()

    after = await sync_to_async(state)(alice)
    assert (after.presence, after.away_reason) == ("offline", "disconnected")
    # Back later: a fresh console clears the flag; presence is the agent's to set again.
    socket = await console(alice)
    assert (await sync_to_async(state)(alice)).disconnected_since is None
    await socket.disconnect()


def test_the_agents_of_a_server_process_that_stopped_renewing_are_dropped(team):
    alice = team["alice"]
    presence.set_presence(alice.pk, "available")
    gone = "crashed-host:4242"
    ConsoleServer.objects.create(process=gone, lease_until=clock.now() - timedelta(seconds=1))
    ConsoleSocket.objects.create(
        channel_name="specific.gone!1", agent_id=alice.pk, process=gone, opened_at=clock.now()
    )

    assert consoles.sweep() == 1

    assert agent_events(alice)[-1] == "AgentDisconnected"
    assert store.read_stream(presence.stream_id(alice.pk))[-1].data["why"] == "server_gone"
    assert not ConsoleSocket.objects.exists() and not ConsoleServer.objects.exists()


def test_a_live_server_process_keeps_its_agents(team):
    alice = team["alice"]
    ConsoleServer.objects.create(process="alive:1", lease_until=clock.now() + timedelta(seconds=9))
    ConsoleSocket.objects.create(
        channel_name="specific.alive!1", agent_id=alice.pk, process="alive:1", opened_at=clock.now()
    )

    assert consoles.sweep() == 0
    assert "AgentDisconnected" not in agent_events(alice)


def test_a_server_stopping_stops_its_lease_keeper_with_its_sockets(team):
    """At a clean shutdown the sockets go and the keeper with them, rather than noticing at its
    next round, up to five seconds into the shutdown."""
    consoles.opened(team["alice"].pk, "specific.here!1")
    keeper = consoles._keeper
    patience = time.monotonic() + 10
    while keeper.health().rounds == 0:  # its first renewal done: it waits for the next
        assert time.monotonic() < patience
        time.sleep(0.01)

    consoles.forget_this_process()

    assert keeper.stopping
    keeper.join(10)
    assert not ConsoleServer.objects.exists() and not ConsoleSocket.objects.exists()


def test_a_console_that_closes_while_the_lease_is_written_again_stays_closed(team, monkeypatch):
    """The lease keeper writes this process's sockets down again when its lease had lapsed
    (always so at its first round), from a copy of the sockets it holds. A console that closed
    between that copy and its write came back as a row with no socket behind it: the agent was
    reconnected and routable, and offered work in a console nobody had open."""
    alice = team["alice"]
    consoles.opened(alice.pk, "console-1")
    # The keeper's own first round, on its thread, could renew the lease before the one below
    # and leave it nothing to write down again (a flake, ~1 run in 5 on SQLite): this test
    # runs that round itself.
    consoles._keeper.stop()
    consoles._keeper.join(5)
    ConsoleServer.objects.filter().delete()  # the lease lapsed (or was never written)
    reopen = consoles._open
    closing = []

    def close_meanwhile(agent_id, channel_name):
        if not closing:  # the socket closes just after the keeper copied what it holds
            closing.append(channel_name)
            consoles.closed(agent_id, channel_name)
        reopen(agent_id, channel_name)

    monkeypatch.setattr(consoles, "_open", close_meanwhile)
    consoles._renew_lease()
    monkeypatch.undo()

    assert closing == ["console-1"]
    assert not ConsoleSocket.objects.filter(agent_id=alice.pk).exists()
    assert state(alice).disconnected_since is not None
    assert agent_events(alice)[-1] == "AgentDisconnected"
    waiting = ingest(chat_message()).interaction_id
    router.route_once()
    assert Interaction.objects.get(pk=waiting).state == "queued"


def test_the_lease_keeper_starts_once_the_lease_is_written(team, monkeypatch):
    """Its first round comes at once, on its own thread. Started before the opening console
    had written the lease down, it found the lease lapsed and opened the agent's sockets again,
    holding her row while a router's round passed her over (skip_locked): a chat that arrived
    just then waited a round (the console tests' reruns)."""
    alice = team["alice"]
    start_keeper = consoles._start_keeper
    lease_written = []

    def started_with_the_lease():
        lease_written.append(
            ConsoleServer.objects.filter(
                process=consoles.PROCESS, lease_until__gt=clock.now()
            ).exists()
        )
        start_keeper()

    monkeypatch.setattr(consoles, "_start_keeper", started_with_the_lease)
    consoles.opened(alice.pk, "console-1")

    assert lease_written == [True]
