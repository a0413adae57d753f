"""The matching core, without a database: who gets which work, and why."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from routing.matching import Agent, Matcher, OverflowRule, QueuePolicy, WorkItem, match

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
SUPPORT, BILLING = 1, 2


def agent(
    agent_id,
    *,
    queues=(SUPPORT,),
    skills=None,
    chat=3,
    voice=1,
    load=None,
    idle_minutes=0,
    last_offer_minutes=None,
    **extra,
) -> Agent:
    return Agent(
        agent_id=agent_id,
        name=f"agent {agent_id}",
        skills=skills or {},
        capacity={"webchat": chat, "voice": voice, "email": 5},
        load=dict(load or {}),
        queues=frozenset(queues),
        exclusive=frozenset({"voice"}),  # as the voice adapter registers it
        idle_since=NOW - timedelta(minutes=idle_minutes),
        last_offer_at=None
        if last_offer_minutes is None
        else NOW - timedelta(minutes=last_offer_minutes),
        **extra,
    )


def item(n, *, queue=SUPPORT, channel="webchat", waited=60, priority=0, **extra) -> WorkItem:
    return WorkItem(
        interaction_id=f"i{n}",
        queue_id=queue,
        channel=channel,
        waiting_since=NOW - timedelta(seconds=waited),
        queued_at=NOW - timedelta(seconds=waited),
        priority=priority,
        **extra,
    )


def policies(strategy="longest_idle", skills=None, overflow=(), billing_open=True):
    return {
        SUPPORT: QueuePolicy(SUPPORT, "support", strategy, skills or {}, tuple(overflow)),
        BILLING: QueuePolicy(BILLING, "billing", strategy, {}, (), is_open=billing_open),
    }


def pairs(assignments):
    return [(a.interaction_id, a.agent_id) for a in assignments]


def test_the_oldest_waiting_item_is_served_first_at_equal_priority():
    result = match(
        [item(1, waited=10), item(2, waited=300), item(3, waited=60)],
        [agent(7, chat=1)],
        policies(),
        NOW,
    )
    assert pairs(result) == [("i2", 7)]


def test_higher_priority_goes_before_older():
    result = match(
        [item(1, waited=600), item(2, waited=5, priority=5)], [agent(7, chat=1)], policies(), NOW
    )
    assert pairs(result) == [("i2", 7)]


def test_longest_idle_agent_gets_the_work():
    result = match([item(1)], [agent(7, idle_minutes=2), agent(8, idle_minutes=9)], policies(), NOW)
    assert pairs(result) == [("i1", 8)]
    assert result[0].decision["reason"].startswith("longest idle among 2")
    assert result[0].decision["runners_up"][0]["agent_id"] == 7


def test_capacity_per_channel_is_never_exceeded_and_work_spreads():
    items = [item(n, waited=100 - n) for n in range(10)]
    result = match(
        items, [agent(7, chat=2), agent(8, chat=3, load={"webchat": 1})], policies(), NOW
    )
    per_agent = {a: sum(1 for _, b in pairs(result) if b == a) for a in (7, 8)}
    assert per_agent == {7: 2, 8: 2}


def test_least_occupied_spreads_load_instead_of_piling_on_one_agent():
    busy = agent(7, chat=3, load={"webchat": 2}, idle_minutes=60)
    free = agent(8, chat=3, idle_minutes=1)
    result = match([item(1)], [busy, free], policies("least_occupied"), NOW)
    assert pairs(result) == [("i1", 8)]


def test_most_skilled_picks_the_best_qualified():
    result = match(
        [item(1)],
        [agent(7, skills={"support": 4}, idle_minutes=60), agent(8, skills={"support": 9})],
        policies("most_skilled", skills={"support": 3}),
        NOW,
    )
    assert pairs(result) == [("i1", 8)]


def test_round_robin_takes_turns():
    agents = [
        agent(7, last_offer_minutes=1),
        agent(8, last_offer_minutes=5),
        agent(9, last_offer_minutes=3),
    ]
    result = match(
        [item(n, waited=100 - n) for n in range(3)], agents, policies("round_robin"), NOW
    )
    assert [a for _, a in pairs(result)] == [8, 9, 7]


def test_agents_without_the_required_skill_level_are_not_eligible():
    result = match(
        [item(1)], [agent(7, skills={"support": 2}), agent(8)], policies(skills={"support": 3}), NOW
    )
    assert result == []


def test_agents_outside_the_queue_are_not_eligible():
    assert match([item(1)], [agent(7, queues=(BILLING,))], policies(), NOW) == []


def test_unavailable_agents_get_nothing():
    assert match([item(1)], [agent(7, available=False)], policies(), NOW) == []


def test_a_call_blocks_other_work_when_the_agent_says_so():
    on_call = agent(7, load={"voice": 1})
    relaxed = agent(8, load={"voice": 1}, voice_blocks_other_work=False)
    result = match([item(1)], [on_call, relaxed], policies(), NOW)
    assert pairs(result) == [("i1", 8)]


def test_agents_who_let_it_go_by_are_not_offered_it_again():
    result = match(
        [item(1, declined_by=frozenset({8}))],
        [agent(7, idle_minutes=1), agent(8, idle_minutes=30)],
        policies(),
        NOW,
    )
    assert pairs(result) == [("i1", 7)]


def test_the_known_agent_is_preferred_over_the_strategy():
    result = match(
        [item(1, known_agent_id=7)],
        [agent(7, idle_minutes=1), agent(8, idle_minutes=30)],
        policies(),
        NOW,
    )
    assert pairs(result) == [("i1", 7)]
    assert result[0].decision["reason"].startswith("known agent")


def test_a_busy_known_agent_does_not_hold_the_customer_up():
    result = match(
        [item(1, known_agent_id=7)],
        [agent(7, chat=1, load={"webchat": 1}), agent(8)],
        policies(),
        NOW,
    )
    assert pairs(result) == [("i1", 8)]


def test_work_transferred_to_an_agent_waits_for_that_agent_only():
    waiting = item(1, preferred_agent_id=7)
    assert (
        match([waiting], [agent(7, chat=1, load={"webchat": 1}), agent(8)], policies(), NOW) == []
    )
    assert pairs(match([waiting], [agent(7, queues=(BILLING,))], policies(), NOW)) == [("i1", 7)]


def test_an_escalation_goes_to_supervisors_only():
    result = match(
        [item(1, supervisors_only=True)],
        [agent(7, idle_minutes=50), agent(8, is_supervisor=True)],
        policies(),
        NOW,
    )
    assert pairs(result) == [("i1", 8)]


def test_overflow_relaxes_a_skill_once_the_item_is_old_enough():
    relax = OverflowRule(after_seconds=120, action="relax_skill", skill="support", relaxed_level=2)
    rules = policies(skills={"support": 5}, overflow=[relax])
    junior = agent(7, skills={"support": 2})
    assert match([item(1, waited=60)], [junior], rules, NOW) == []
    result = match([item(1, waited=180)], [agent(7, skills={"support": 2})], rules, NOW)
    assert pairs(result) == [("i1", 7)]
    assert result[0].decision["overflow_steps"] == [0]


def test_overflow_adds_another_queues_agents():
    spill = OverflowRule(after_seconds=60, action="add_queue_agents", target_queue_id=BILLING)
    rules = policies(overflow=[spill])
    billing_agent = agent(9, queues=(BILLING,))
    assert match([item(1, waited=30)], [billing_agent], rules, NOW) == []
    assert pairs(match([item(1, waited=90)], [agent(9, queues=(BILLING,))], rules, NOW)) == [
        ("i1", 9)
    ]


def test_a_closed_queue_is_not_routed():
    assert (
        match(
            [item(1, queue=BILLING)],
            [agent(7, queues=(BILLING,))],
            policies(billing_open=False),
            NOW,
        )
        == []
    )


def test_a_queue_nobody_can_serve_does_not_block_the_others():
    stuck = [item(n, queue=SUPPORT, waited=1000 + n) for n in range(50)]
    served = item(99, queue=BILLING, waited=1)
    result = match([*stuck, served], [agent(7, queues=(BILLING,))], policies(), NOW)
    assert pairs(result) == [("i99", 7)]


def test_a_kept_matcher_takes_new_work_and_freed_agents():
    matcher = Matcher(policies(), [agent(7, chat=1)])
    matcher.add(item(1, waited=50))
    matcher.add(item(2, waited=40))
    assert pairs(matcher.assign(NOW)) == [("i1", 7)]
    assert matcher.assign(NOW) == []

    freed = matcher.agents[7]
    freed.load["webchat"] = 0
    matcher.set_agent(freed)
    matcher.remove("i2")
    matcher.add(item(3, waited=10))

    assert pairs(matcher.assign(NOW)) == [("i3", 7)]
    assert matcher.waiting() == 0


def test_an_agent_removed_from_a_kept_matcher_is_neither_chosen_nor_counted():
    matcher = Matcher(policies(), [agent(7, idle_minutes=9), agent(8, idle_minutes=1)])
    matcher.add(item(1))
    assert pairs(matcher.assign(NOW)) == [("i1", 7)]

    matcher.remove_agent(7)  # another router holds them, or they went away
    matcher.withdraw_all()
    matcher.add(item(2))
    [offer] = matcher.assign(NOW)
    assert (offer.agent_id, offer.decision["qualified"]) == (8, 1)


def test_a_matcher_kept_for_long_keeps_its_pools_small():
    matcher = Matcher(policies(), [agent(n) for n in range(1, 11)])
    matcher.add(item(0))
    matcher.assign(NOW)  # its pool is made
    for minute in range(5_000):  # agents' idle times move, as their rows do
        matcher.set_agent(agent(1 + minute % 10, idle_minutes=minute % 60))
    [pool] = matcher._pools.values()
    assert len(pool._heap) <= 2 * 10 + 64


# One agent's row in a round: None when the claim did not find them, else what the matcher
# reads of it (their load, how long idle, their queues).
ROW = st.none() | st.tuples(
    st.integers(0, 3), st.integers(0, 30), st.sampled_from([(SUPPORT,), (BILLING,), (1, 2)])
)
ROUND = st.tuples(
    st.lists(ROW, min_size=6, max_size=6),
    st.lists(
        st.tuples(
            st.sampled_from([SUPPORT, BILLING]),
            st.sampled_from(["webchat", "voice"]),
            st.integers(0, 2),  # priority
            st.frozensets(st.integers(1, 6), max_size=2),  # who let it go by
        ),
        max_size=6,
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    strategy=st.sampled_from(["longest_idle", "least_occupied", "round_robin"]),
    rounds=st.lists(ROUND, min_size=1, max_size=8),
)
def test_a_matcher_kept_from_round_to_round_decides_as_one_built_afresh(strategy, rounds):
    """As the router keeps its matcher (routing/router.py): each round it is given the
    agents whose rows moved (and again those it offered work, whose load it guessed), loses
    those not claimed, and is handed the round's waiting work."""
    pols = policies(strategy)
    kept = Matcher(pols)
    given_rows: dict[int, tuple] = {}
    for n, (rows, work) in enumerate(rounds):
        claimed = {i + 1: r for i, r in enumerate(rows) if r is not None}

        def built(agent_id, claimed=claimed):
            load, idle, queues = claimed[agent_id]
            return agent(agent_id, queues=queues, load={"webchat": load}, idle_minutes=idle)

        for agent_id, found in claimed.items():
            if given_rows.get(agent_id) != found:
                given_rows[agent_id] = found
                kept.set_agent(built(agent_id))
        for agent_id in [a for a in kept.agents if a not in claimed]:
            given_rows.pop(agent_id, None)
            kept.remove_agent(agent_id)
        items = [
            item(f"{n}-{k}", queue=q, channel=c, priority=p, waited=k, declined_by=d)
            for k, (q, c, p, d) in enumerate(work)
        ]
        kept.withdraw_all()
        for each in items:
            kept.add(each)
        decided = kept.assign(NOW)
        afresh = match(items, [built(a) for a in claimed], pols, NOW)

        assert [(a.interaction_id, a.agent_id, a.decision) for a in decided] == [
            (a.interaction_id, a.agent_id, a.decision) for a in afresh
        ]
        for offer in decided:
            given_rows.pop(offer.agent_id, None)
