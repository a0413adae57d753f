"""The drill's measure of waiting (tests/faults/waits.py) on made-up logs."""

from datetime import UTC, datetime

from tests.faults.waits import longest_wait_with_an_idle_agent

ANN, BOB = 1, 2


def at(second: float) -> datetime:
    return datetime.fromtimestamp(1_000_000 + second, UTC)


def event(second: float, kind: str, interaction: str = "", **data) -> tuple:
    return (kind, interaction, at(second), {"interaction_id": interaction, **data})


def measure(events: list[tuple], since: float = 0, now: float = 200) -> float:
    return longest_wait_with_an_idle_agent(
        events, {ANN, BOB}, at(since).timestamp(), at(now).timestamp()
    )


ONLINE = [
    event(0, "AgentPresenceChanged", agent_id=ANN, presence="available"),
    event(0, "AgentPresenceChanged", agent_id=BOB, presence="available"),
]


def test_waiting_while_every_agent_is_busy_does_not_count():
    log = [
        *ONLINE,
        event(1, "OfferCreated", "a", agent_id=ANN),
        event(2, "OfferCreated", "b", agent_id=BOB),
        event(3, "InteractionQueued", "c"),
        event(63, "WrapUpCompleted", "a", agent_id=ANN),
        event(65, "OfferCreated", "c", agent_id=ANN),
    ]
    assert measure(log) == 2  # from Ann's wrap-up to the offer


def test_waiting_while_an_agent_sits_idle_counts_until_the_offer():
    log = [
        *ONLINE,
        event(1, "OfferCreated", "a", agent_id=ANN),
        event(3, "InteractionQueued", "c"),
        event(50, "OfferCreated", "c", agent_id=BOB),
    ]
    assert measure(log) == 47


def test_an_agent_whose_console_is_gone_is_not_idle_until_it_comes_back():
    log = [
        *ONLINE,
        event(1, "OfferCreated", "a", agent_id=ANN),
        event(2, "AgentDisconnected", agent_id=BOB),
        event(3, "InteractionQueued", "c"),
        event(40, "AgentReconnected", agent_id=BOB),
        event(45, "OfferCreated", "c", agent_id=BOB),
    ]
    assert measure(log) == 5


def test_a_timed_out_offer_frees_its_agent_and_the_work_waits_again():
    log = [
        *ONLINE,
        event(1, "OfferCreated", "b", agent_id=BOB),
        event(3, "InteractionQueued", "c"),
        event(4, "OfferCreated", "c", agent_id=ANN),
        event(34, "OfferTimedOut", "c", agent_id=ANN),
        event(44, "OfferCreated", "c", agent_id=ANN),
    ]
    assert measure(log) == 10


def test_only_what_falls_after_the_recovery_counts_and_a_wait_still_open_counts_to_now():
    log = [*ONLINE, event(3, "InteractionQueued", "c")]
    assert measure(log, since=100, now=130) == 30
    log.append(event(120, "InteractionAbandoned", "c"))
    assert measure(log, since=100, now=130) == 0
