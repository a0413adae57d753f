"""Routing, three ways:

1. the pure matching core: assignment decisions/s with 1,000 agents, 20 skills and 1k / 10k /
   100k waiting items, side by side — the cost per decision must grow at most logarithmically
   with the number waiting;
2. the database-backed router on PostgreSQL: offers created/s end to end (event appended,
   projections updated, timer row written) with 200 agents, 1 and 4 router processes;
3. the simulator: simulated interactions per second of wall time.

Targets (issue 3): logarithmic decision cost; >= 500 offers/s with 4 workers; simulator >=
2,000 interactions/s.
"""

import math
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from bench import harness
from contactcenter.privacy.database_roles import owner_flush_statements

AGENTS = 1000
SKILLS = 20
DECISIONS = 1000
WAITING = (1_000, 10_000, 100_000)

DB_AGENTS = 200
DB_QUEUES = 4
DB_CAPACITY = 5  # web chats per agent: 1,000 offers to make


# -- 1. the pure core ---------------------------------------------------------------------------


def core_decisions(waiting: int, rng: random.Random) -> tuple[float, float]:
    """Returns (µs per decision, µs per item added)."""
    from routing.matching import Agent, Matcher, QueuePolicy, WorkItem

    now = datetime(2026, 11, 2, 12, tzinfo=UTC)
    policies = {
        q: QueuePolicy(queue_id=q, strategy="longest_idle", required_skills={f"s{q}": 3})
        for q in range(SKILLS)
    }
    agents = []
    for n in range(AGENTS):
        skills = {f"s{s}": rng.randint(1, 10) for s in rng.sample(range(SKILLS), 4)}
        agents.append(
            Agent(
                agent_id=n,
                skills=skills,
                capacity={"webchat": 3},
                queues=frozenset(int(s[1:]) for s in skills),
                idle_since=now - timedelta(seconds=rng.randint(0, 3600)),
            )
        )
    matcher = Matcher(policies, agents)
    items = [
        WorkItem(
            interaction_id=f"i{n}",
            queue_id=rng.randrange(SKILLS),
            channel="webchat",
            waiting_since=now - timedelta(seconds=rng.randint(0, 7200)),
            priority=rng.choice((0, 0, 0, 1)),
        )
        for n in range(waiting)
    ]
    started = time.perf_counter()
    for item in items:
        matcher.add(item)
    add_cost = (time.perf_counter() - started) / waiting
    started = time.perf_counter()
    decisions = matcher.assign(now, limit=DECISIONS)
    elapsed = time.perf_counter() - started
    assert len(decisions) == DECISIONS, len(decisions)
    return elapsed / DECISIONS * 1e6, add_cost * 1e6


def pure_core() -> tuple[list[list], bool]:
    rng = random.Random(7)
    costs = {n: core_decisions(n, rng) for n in WAITING}
    rows = []
    for n in WAITING:
        per_decision, per_add = costs[n]
        rows.append(
            [
                f"{n:,} waiting",
                f"{1e6 / per_decision:,.0f}",
                f"{per_decision:.1f}",
                f"{per_decision / costs[WAITING[0]][0]:.2f}",
                f"{math.log(n) / math.log(WAITING[0]):.2f}",
                f"{per_add:.1f}",
            ]
        )
    # At most logarithmic: from 1k to 100k waiting, the cost per decision may grow by no more
    # than log(100k)/log(1k) (x1.67), with 25% allowance for measurement noise.
    growth = costs[WAITING[-1]][0] / costs[WAITING[0]][0]
    return rows, growth <= math.log(WAITING[-1]) / math.log(WAITING[0]) * 1.25


# -- 2. the router on PostgreSQL --------------------------------------------------------------


def setup_center(url: str) -> None:
    harness.setup_django(url)
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from contactcenter.events import projections
    from routing import config
    from routing.models import AgentProfile, EntryPoint, Queue
    from routing.presence import set_presence

    tables = ["event_log", "events_projectioncheckpoint", "interactions_delivery"] + [
        m._meta.db_table for p in projections.all_projectors().values() for m in p.models
    ]
    # The owner's reset: the log refuses TRUNCATE but for this one transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in owner_flush_statements([f"TRUNCATE {', '.join(tables)}"]):
            cursor.execute(sql)
        cursor.execute(
            "TRUNCATE routing_entrypoint, routing_agentprofile_queues, "
            "routing_agentskill, routing_agentprofile, routing_queue CASCADE"
        )
    User.objects.filter(username__startswith="bench-agent").delete()
    queues = [
        Queue.objects.create(
            name=f"bench queue {n}", channels=["webchat"], offer_timeout_seconds=600
        )
        for n in range(DB_QUEUES)
    ]
    for n, queue in enumerate(queues):
        EntryPoint.objects.create(channel="webchat", channel_key=f"bench-{n}", queue=queue)
    for n in range(DB_AGENTS):
        user = User.objects.create_user(f"bench-agent{n}")
        profile = AgentProfile.objects.create(user=user)
        profile.capacities.create(channel="webchat", capacity=DB_CAPACITY)
        profile.queues.set([queues[n % DB_QUEUES]])
    config.invalidate()
    for user in User.objects.filter(username__startswith="bench-agent"):
        set_presence(user.pk, "available")


def arrivals(url: str, count: int) -> None:
    harness.setup_django(url)
    from contactcenter.interactions.ingest import InboundMessage, ingest

    for n in range(count):
        ingest(
            InboundMessage(
                channel="webchat",
                channel_key=f"bench-{n % DB_QUEUES}",
                sender_kind="web",
                sender_address=f"bench-visitor-{n}",
                threading_key=f"bench-visitor-{n}",
                text="hello",
            )
        )


def router_worker(barrier, results, url: str) -> None:
    harness.setup_django(url, pool=False)
    from routing import config, router
    from routing.models import AgentState

    config.current()  # warm up: connection and configuration, without routing anything
    AgentState.objects.count()
    barrier.wait()
    started = time.perf_counter()
    offered, idle_rounds = 0, 0
    while idle_rounds < 3:
        made = router.assign_round()
        offered += made
        idle_rounds = 0 if made else idle_rounds + 1
    results.put((offered, time.perf_counter() - started))


def database_router(url: str) -> dict[int, float]:
    rates = {}
    for workers in (1, 4):
        setup_center(url)
        arrivals(url, DB_AGENTS * DB_CAPACITY + 200)
        results = harness.run_processes(router_worker, [(url,)] * workers)
        offered = sum(n for n, _ in results)
        assert offered == DB_AGENTS * DB_CAPACITY, offered
        rates[workers] = offered / max(seconds for _, seconds in results)
        print(
            f"  {workers} router worker(s): {offered} offers at {rates[workers]:,.0f}/s", flush=True
        )
    return rates


# -- 3. the simulator --------------------------------------------------------------------------


def simulator() -> float:
    from routing.simulator import Scenario, simulate

    result = simulate(
        Scenario.single_queue(
            agents=25, arrivals_per_hour=500, aht=160, sl_threshold=20, hours=200, seed=3
        )
    )
    return result["simulated_interactions"] / result["wall_seconds"]


def main() -> int:
    url = harness.bench_database_url()
    print(f"machine: {harness.machine()}")
    print("pure core (1,000 agents, 20 skills, 1,000 decisions per run):", flush=True)
    harness.setup_django(url)
    rows, logarithmic = pure_core()
    print(
        harness.table(
            ["", "decisions/s", "µs/decision", "cost vs 1k", "log n vs 1k", "µs per arrival"], rows
        )
    )
    print("simulator:", flush=True)
    sim_rate = simulator()
    print(f"  {sim_rate:,.0f} simulated interactions/s")
    print("router on PostgreSQL (200 agents in 4 queues, 5 chats each):", flush=True)
    try:
        harness.ensure_database(url)
        harness.migrate()
        rates = database_router(url)
    except Exception as error:
        print(f"  needs PostgreSQL ({url}): {error}")
        return 1
    checks = [
        ("cost per decision grows at most logarithmically", logarithmic, rows[-1][3] + "x"),
        (">= 500 offers/s with 4 workers", rates[4] >= 500, f"{rates[4]:,.0f}/s"),
        ("simulator >= 2,000 interactions/s", sim_rate >= 2000, f"{sim_rate:,.0f}/s"),
    ]
    print()
    for label, ok, figure in checks:
        print(f"  {harness.verdict(ok)}  {label}: {figure}")
    print(
        harness.summary(
            "routing",
            **{f"decisions_per_s_{WAITING[-1]}": rows[-1][1].replace(",", "")},
            cost_vs_1k=rows[-1][3],
            simulated_per_s=round(sim_rate),
            offers_per_s_1=round(rates[1]),
            offers_per_s_4=round(rates[4]),
            ok=harness.verdict(all(ok for _, ok, _ in checks)),
        )
    )
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
