"""Four routers at once against real PostgreSQL, with random arrivals, presence changes,
accepts, rejects and timeouts; then the rules are checked from the event log alone."""

import threading
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contactcenter import clock
from contactcenter.events import projections, store
from contactcenter.interactions.domain import DomainError, Interaction
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction as InteractionRow
from contactcenter.privacy import owner_connection
from routing import offers, presence, router
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUTERS = 4
CAPACITY = [1, 2, 1, 3]

operations = st.one_of(
    st.tuples(st.just("arrive"), st.integers(0, 30)),
    st.tuples(
        st.just("presence"),
        st.integers(0, 3),
        st.sampled_from(["available", "available", "away", "offline"]),
    ),
    st.tuples(st.just("accept"), st.integers(0, 3)),
    st.tuples(st.just("reject"), st.integers(0, 3)),
    st.tuples(st.just("finish"), st.integers(0, 3)),
    st.tuples(st.just("wait"), st.integers(5, 40)),
)


@pytest.fixture
def center():
    support, billing = a_queue(entry="webchat:*"), a_queue(entry=None)
    agents = [
        an_agent(
            support if n % 2 == 0 else billing, support, capacity_webchat=capacity, available=False
        )
        for n, capacity in enumerate(CAPACITY)
    ]
    return {
        "queues": (support, billing),
        "agents": [a.pk for a in agents],
        "capacity": {a.pk: c for a, c in zip(agents, CAPACITY, strict=True)},
    }


def reset_log_and_projections() -> None:
    tables = ["event_log", "events_projectioncheckpoint", "interactions_delivery"] + [
        model._meta.db_table
        for projector in projections.all_projectors().values()
        for model in projector.models
    ]
    owner_connection.truncate(connection, tables)  # the log refuses TRUNCATE but to its owner


def run_routers(stop: threading.Event) -> list[threading.Thread]:
    def work():
        try:
            while not stop.is_set():
                router.route_once()
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(ROUTERS)]
    for thread in threads:
        thread.start()
    return threads


def held_by(agent_id: int, state: str) -> list[InteractionRow]:
    field = "offer_agent_id" if state == "offered" else "agent_id"
    return list(InteractionRow.objects.filter(state=state, **{field: agent_id}))


def perform(operation, center, arrived: list[str]) -> None:
    kind, *args = operation
    agents = center["agents"]
    try:
        if kind == "arrive":
            arrived.append(
                ingest(chat_message(visitor=f"v{args[0]}-{len(arrived)}")).interaction_id
            )
        elif kind == "presence":
            presence.set_presence(agents[args[0]], args[1], "break" if args[1] == "away" else "")
        elif kind in ("accept", "reject"):
            for row in held_by(agents[args[0]], "offered")[:1]:
                action = offers.accept_offer if kind == "accept" else offers.reject_offer
                action(row.id, row.offer_id, agents[args[0]])
        elif kind == "finish":
            for row in held_by(agents[args[0]], "active")[:1]:
                offers.end_conversation(row.id, agents[args[0]])
                offers.wrap_up(row.id, agents[args[0]], disposition="resolved")
        elif kind == "wait":
            clock._offset += timedelta(seconds=args[0])  # offers time out meanwhile
    except DomainError:
        pass  # the offer was gone by the time the agent clicked: a real race, refused cleanly


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(script=st.lists(operations, min_size=15, max_size=45))
def test_four_routers_never_break_the_rules(center, script):
    reset_log_and_projections()
    for agent_id in center["agents"]:
        presence.set_presence(agent_id, "available")
    arrived: list[str] = []
    offset = clock._offset
    stop = threading.Event()
    threads = run_routers(stop)
    try:
        for operation in script:
            perform(operation, center, arrived)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        clock._offset = offset

    check_the_log(center, arrived)


def check_the_log(center, arrived: list[str]) -> None:
    events = [e for page in store.iter_all(0, 1000) for e in page]
    capacity = center["capacity"]

    # nothing lost: every event once, every stream's versions 1..n, every arrival has a stream
    assert len({e.position for e in events}) == len(events) == store.count()
    versions = defaultdict(list)
    for event in events:
        versions[event.stream_id].append(event.version)
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())
    assert all(f"interaction-{i}" in versions for i in arrived)

    # replay: never above capacity, never offered to two agents at once
    load: dict[int, int] = defaultdict(int)
    holder: dict[str, int] = {}
    outstanding: dict[str, int] = {}
    for event in events:
        data, kind = event.data, event.type
        interaction = data.get("interaction_id")
        if kind == "OfferCreated":
            assert interaction not in outstanding, f"{interaction} offered twice at once"
            outstanding[interaction] = data["agent_id"]
            holder[interaction] = data["agent_id"]
            load[data["agent_id"]] += 1
            assert load[data["agent_id"]] <= capacity[data["agent_id"]], (
                f"agent {data['agent_id']} above capacity at #{event.position}"
            )
        elif kind in ("OfferRejected", "OfferTimedOut", "OfferRescinded"):
            assert outstanding.pop(interaction) == data["agent_id"]
            load[holder.pop(interaction)] -= 1
        elif kind == "OfferAccepted":
            assert outstanding.pop(interaction) == data["agent_id"]
        elif kind == "WrapUpCompleted":
            load[holder.pop(interaction)] -= 1
    assert all(n >= 0 for n in load.values())

    # every interaction ends with an agent, abandoned, or still queued
    for interaction_id in arrived:
        state = Interaction.from_events(store.read_stream(f"interaction-{interaction_id}"))
        assert state.state.value in {
            "queued",
            "offered",
            "active",
            "wrap_up",
            "closed",
            "abandoned",
        }
        if state.state.value in {"active", "wrap_up"}:
            assert state.agent_id in capacity

    # and the live read models are what the log says
    live = {
        row.pk: (row.state, row.agent_id, row.offer_agent_id)
        for row in InteractionRow.objects.all()
    }
    for interaction_id, (state, agent_id, offer_agent_id) in live.items():
        folded = Interaction.from_events(store.read_stream(f"interaction-{interaction_id}"))
        assert (state, agent_id, offer_agent_id) == (
            folded.state.value,
            folded.agent_id,
            folded.offer_agent_id,
        )
