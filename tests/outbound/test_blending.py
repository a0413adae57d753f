"""Blended agents, without a database: inbound keeps priority, an agent idle past the threshold
gets outbound work, one capacity model (inbound work and outbound calls both count)."""

from datetime import UTC, datetime, timedelta

from outbound.blending import AgentFloor, split

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
THRESHOLD = timedelta(seconds=15)


def agent(agent_id, **fields) -> AgentFloor:
    defaults = {
        "presence": "available",
        "inbound_work": 0,
        "voice_capacity": 1,
        "outbound_calls": 0,
        "idle_since": NOW - timedelta(minutes=5),
        "inbound_waiting": False,
    }
    return AgentFloor(agent_id=agent_id, **{**defaults, **fields})


def test_an_agent_idle_past_the_threshold_gets_outbound_work_longest_idle_first():
    floor = split([agent(1, idle_since=NOW - timedelta(minutes=1)), agent(2)], NOW, THRESHOLD)
    assert floor.ready == (2, 1) and floor.busy == ()


def test_just_idle_is_left_to_the_router_first():
    floor = split([agent(1, idle_since=NOW - timedelta(seconds=3))], NOW, THRESHOLD)
    assert floor.ready == () and floor.busy == (1,)


def test_inbound_waiting_in_the_agents_queues_keeps_priority():
    assert split([agent(1, inbound_waiting=True)], NOW, THRESHOLD).ready == ()


def test_inbound_work_and_outbound_calls_share_one_capacity():
    floor = split([agent(1, inbound_work=1), agent(2, outbound_calls=1)], NOW, THRESHOLD)
    assert floor.ready == () and set(floor.busy) == {1, 2}


def test_away_offline_and_disconnected_agents_are_not_staffed():
    floor = split(
        [agent(1, presence="away"), agent(2, presence="offline"), agent(3, connected=False)],
        NOW,
        THRESHOLD,
    )
    assert floor.ready == () and floor.busy == ()
