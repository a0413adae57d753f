"""KPIs on PostgreSQL: the catch-up projection's speed and the cost of a month's report.

1. Bulk-load a month of a 100-agent center (about 1,000,000 events, bench/kpis_workload.py)
   with COPY, the way bench/eventstore.py does, then ANALYZE (as autovacuum would).
2. Time the `kpis` catch-up projection from position 0 to the end of the log (events/s over
   every event of the log, including the types it skips).
3. Time the month's report pages by queue and by agent (HTTP through Django's test client,
   a supervisor logged in; median of several requests).
4. Grow the log to about 5,000,000 events (four more months), catch up, and time the same
   month's reports again: their cost must not grow with the history.

Targets (issue 6): projection >= 20,000 events/s; each report page < 200 ms at 1M and at 5M.
`BENCH_KPI_EVENTS` and `BENCH_KPI_GROW_TO` change the sizes.
"""

import dataclasses
import functools
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import orjson

from bench import harness
from contactcenter.privacy.database_roles import owner_flush_statements

EVENTS = int(os.environ.get("BENCH_KPI_EVENTS", 1_000_000))
GROW_TO = int(os.environ.get("BENCH_KPI_GROW_TO", 5_000_000))
FIRST_DAY = datetime(2026, 1, 1, tzinfo=UTC)
REQUESTS = 7
METADATA = orjson.dumps({"actor": "bench", "correlation_id": "bench"}).decode()


def reset() -> None:
    from django.db import connection, transaction

    from contactcenter.events import projections

    tables = ["event_log", "events_projectioncheckpoint"] + [
        m._meta.db_table for m in projections.get("kpis").models
    ]
    # The owner's reset: the log refuses TRUNCATE but for this one transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in owner_flush_statements([f"TRUNCATE {', '.join(tables)}"]):
            cursor.execute(sql)


def configuration() -> tuple[tuple[int, ...], list[int]]:
    """Three queues, a hundred agents and a supervisor, as the reports name them."""
    from django.contrib.auth.models import Group, User

    from contactcenter.roles import SUPERVISORS
    from routing.models import AgentProfile, Queue

    queues = tuple(
        Queue.objects.get_or_create(name=f"Bench {name}", defaults={"channels": ["webchat"]})[0].pk
        for name in ("sales", "support", "billing")
    )
    agents = []
    for n in range(1, 101):
        user, _ = User.objects.get_or_create(username=f"bench-agent-{n}")
        AgentProfile.objects.get_or_create(user=user, defaults={"display_name": f"Agent {n}"})
        agents.append(user.pk)
    boss, _ = User.objects.get_or_create(username="bench-supervisor")
    boss.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    return queues, agents


@functools.cache
def _current(type_: str) -> tuple[dict, int]:
    """The defaults of the fields of `type_` that the workload leaves out, and its schema
    version: the log holds every event at its current version, with all its fields (the
    store refuses data that does not fit; the workload had fallen behind the events)."""
    from contactcenter.events.types import DomainEvent

    cls = DomainEvent.registry[type_]
    defaults = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f.name] = f.default_factory()
    return defaults, cls.schema_version


def load(days) -> tuple[int, datetime]:
    """COPY the generated days into the log; returns events written and the last day."""
    from django.db import connection

    written, last = 0, FIRST_DAY
    columns = "stream_id, version, type, data, metadata, occurred_at, schema_version"
    with connection.cursor() as cursor:
        for rows in days:
            with cursor.cursor.copy(f"COPY event_log ({columns}) FROM STDIN") as copy:
                for stream, version, type_, data, at in rows:
                    defaults, schema = _current(type_)
                    copy.write_row((stream, version, type_, orjson.dumps(defaults | data).decode(),
                                    METADATA, at, schema))  # fmt: skip
            written += len(rows)
            last = rows[-1][4]
            print(f"\r  loaded {written:,} events (to {last:%Y-%m-%d})", end="", flush=True)
        # What autovacuum does after a bulk insert: without statistics the planner reads the
        # log with a bitmap scan and a sort instead of walking its (txid, position) index.
        cursor.execute("ANALYZE event_log")
    print()
    return written, last


def catch_up() -> tuple[int, float]:
    """Run the kpis projection from its checkpoint to the end of the log."""
    from contactcenter.events import projections
    from contactcenter.events.models import Event

    projector = projections.get("kpis")
    total = Event.objects.count()
    done = 0
    started = time.perf_counter()
    while True:
        read = projections.catch_up(projector)
        if not read:
            break
        done += read
        print(f"\r  projected {done:,} of the handled events", end="", flush=True)
    elapsed = time.perf_counter() - started
    print()
    return total, elapsed


def time_report(client, path: str) -> float:
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings) * 1000


def reports(month_start: datetime) -> dict[str, float]:
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="bench-supervisor"))
    first = month_start.date()
    last = (month_start + timedelta(days=30)).date()
    query = f"?from={first}&to={last}"
    return {
        name: time_report(client, f"/supervisor/reports/{name}/{query}")
        for name in ("queue", "agent")
    }


def main() -> int:
    url = harness.prepare_database()
    if url is None:
        return 1
    from bench.kpis_workload import Month, days

    print(f"machine: {harness.machine()}")
    reset()
    queues, agents = configuration()
    month = Month(queues, agents)
    with harness.Stopwatch() as watch:
        written, last_day = load(days(month, FIRST_DAY, EVENTS))
    print(f"  bulk load: {written / watch.seconds:,.0f} events/s")
    total, elapsed = catch_up()
    rate = total / elapsed
    print(f"  catch-up projection: {total:,} events in {elapsed:.1f} s = {rate:,.0f} events/s")
    at_1m = reports(FIRST_DAY)
    print(
        f"  month report at {total:,} events: "
        + ", ".join(f"{k} {v:.0f} ms" for k, v in at_1m.items())
    )

    grown_to = total
    at_5m: dict[str, float] = {}
    if total < GROW_TO:
        next_day = last_day.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        written, _ = load(days(month, next_day, GROW_TO - total))
        grown_to, more = catch_up()
        print(f"  catch-up of {written:,} more events: {written / more:,.0f} events/s")
        at_5m = reports(FIRST_DAY)
        print(
            f"  month report at {grown_to:,} events: "
            + ", ".join(f"{k} {v:.0f} ms" for k, v in at_5m.items())
        )

    print()
    rows = [[f"catch-up projection ({total:,} events)", f"{rate:,.0f} events/s"]]
    for name, ms in at_1m.items():
        rows.append([f"month report by {name}, {total:,} events in the log", f"{ms:.0f} ms"])
    for name, ms in at_5m.items():
        rows.append([f"month report by {name}, {grown_to:,} events in the log", f"{ms:.0f} ms"])
    print(harness.table(["KPIs", "figure"], rows))
    checks = [("projection >= 20,000 events/s", rate >= 20_000, f"{rate:,.0f}/s")]
    for size, timings in (("1M", at_1m), ("5M", at_5m)):
        for name, ms in timings.items():
            checks.append((f"report by {name} < 200 ms at {size}", ms < 200, f"{ms:.0f} ms"))
    print()
    for label, ok, figure in checks:
        print(f"  {harness.verdict(ok)}  {label}: {figure}")
    worst = {
        f"report_{name}_ms_{size}": round(ms)
        for size, timings in (("1m", at_1m), ("5m", at_5m))
        for name, ms in timings.items()
    }
    print(
        harness.summary(
            "kpis",
            events=grown_to,
            catch_up_per_s=round(rate),
            **worst,
            ok=harness.verdict(all(ok for _, ok, _ in checks)),
        )
    )
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
