"""Event store on PostgreSQL, side by side in one run:

- appends/s, one event per transaction and batches of 10, with 1 and 4 writer processes, for
  (a) a raw psycopg INSERT into a plain table of the same shape (the floor), (b) the
  `eventsourcing` library's PostgreSQL application recorder, and (c) our `store.append`;
- `read_all` events/s in pages of 1,000;
- rebuild events/s of the inline projections over a realistic log.

Targets (issue 2): single-writer append >= 50% of raw INSERT and faster than eventsourcing;
rebuild >= 20,000 events/s.
"""

import json
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench import harness
from contactcenter.privacy.database_roles import owner_flush_statements

TRANSACTIONS = {1: 2000, 10: 400}  # per writer, by batch size
STREAMS_PER_WRITER = 100
REBUILD_CONTACTS = 15_000  # 13 events each

PAYLOAD = {
    "interaction_id": "00000000-0000-0000-0000-000000000000",
    "message_id": "11111111-1111-1111-1111-111111111111",
    "channel": "webchat",
    "sender": "visitor-123",
    "sender_name": "Vera Visitor",
    "text": "Hello, my order 12345 has not arrived yet and the tracking page shows nothing.",
    "attachments": [],
    "channel_data": {"client_message_id": "c-1"},
}
METADATA = {"actor": "customer", "correlation_id": "22222222-2222-2222-2222-222222222222"}

RAW_TABLE = """
CREATE TABLE IF NOT EXISTS bench_raw_events (
    position bigserial PRIMARY KEY,
    stream_id varchar(200) NOT NULL,
    version integer NOT NULL,
    type varchar(100) NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    idempotency_key varchar(255) UNIQUE,
    UNIQUE (stream_id, version)
)"""


# -- the three writers (each runs in its own process) -----------------------------------------


def raw_writer(barrier, results, writer: int, batch: int, url: str) -> None:
    import psycopg

    conn = psycopg.connect(harness.psycopg_dsn(url))
    data, meta = json.dumps(PAYLOAD), json.dumps(METADATA)
    versions = [0] * STREAMS_PER_WRITER
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * batch)
    sql = (
        "INSERT INTO bench_raw_events (stream_id, version, type, data, metadata, occurred_at) "
        f"VALUES {values}"
    )
    barrier.wait()
    started = time.perf_counter()
    for n in range(TRANSACTIONS[batch]):
        s = n % STREAMS_PER_WRITER
        params = []
        for k in range(1, batch + 1):
            params += [
                f"raw-{writer}-{s}",
                versions[s] + k,
                "MessageReceived",
                data,
                meta,
                datetime.now(UTC),
            ]
        versions[s] += batch
        with conn.transaction():
            conn.execute(sql, params)
    results.put(time.perf_counter() - started)


def eventsourcing_writer(barrier, results, writer: int, batch: int, url: str) -> None:
    from eventsourcing.persistence import StoredEvent

    recorder = _eventsourcing_recorder(url)
    state = json.dumps(PAYLOAD).encode()
    streams = [uuid.uuid4() for _ in range(STREAMS_PER_WRITER)]
    versions = [0] * STREAMS_PER_WRITER
    barrier.wait()
    started = time.perf_counter()
    for n in range(TRANSACTIONS[batch]):
        s = n % STREAMS_PER_WRITER
        recorder.insert_events(
            [
                StoredEvent(streams[s], versions[s] + k, "bench:MessageReceived", state)
                for k in range(1, batch + 1)
            ]
        )
        versions[s] += batch
    results.put(time.perf_counter() - started)


def ours_writer(barrier, results, writer: int, batch: int, url: str) -> None:
    harness.setup_django(url)
    from contactcenter.events import store
    from contactcenter.events.types import DomainEvent

    # A type no projection handles: this measures the store, not the read models.
    @dataclass(frozen=True, kw_only=True)
    class BenchMessageLogged(DomainEvent):
        interaction_id: str
        message_id: str
        channel: str
        sender: str
        sender_name: str
        text: str
        attachments: list
        channel_data: dict

    event = BenchMessageLogged(**PAYLOAD)
    versions = [0] * STREAMS_PER_WRITER
    store.stream_version("warm-up")  # open the connection before the clock starts
    barrier.wait()
    started = time.perf_counter()
    for n in range(TRANSACTIONS[batch]):
        s = n % STREAMS_PER_WRITER
        store.append(f"ours-{writer}-{s}", [event] * batch, versions[s])
        versions[s] += batch
    results.put(time.perf_counter() - started)


def _eventsourcing_recorder(url: str):
    from urllib.parse import urlsplit

    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    parts = urlsplit(url)
    datastore = PostgresDatastore(
        dbname=parts.path.lstrip("/"),
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or "",
    )
    return PostgresApplicationRecorder(datastore, events_table_name="bench_es_events")


WRITERS = {"raw INSERT": raw_writer, "eventsourcing": eventsourcing_writer, "ours": ours_writer}


def reset(url: str) -> None:
    import psycopg

    with psycopg.connect(harness.psycopg_dsn(url), autocommit=True) as conn:
        conn.execute(RAW_TABLE)
        with conn.transaction():  # the owner's reset: the log refuses TRUNCATE otherwise
            for sql in owner_flush_statements(["TRUNCATE bench_raw_events, event_log"]):
                conn.execute(sql)
        conn.execute("DROP TABLE IF EXISTS bench_es_events")
    _eventsourcing_recorder(url).create_table()
    with psycopg.connect(harness.psycopg_dsn(url), autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def appends(url: str) -> dict[tuple[str, int, int], float]:
    rates = {}
    for writers in (1, 4):
        for batch in (1, 10):
            for name, worker in WRITERS.items():
                reset(url)
                elapsed = harness.run_processes(worker, [(w, batch, url) for w in range(writers)])
                events = writers * TRANSACTIONS[batch] * batch
                rates[(name, writers, batch)] = events / max(elapsed)
                print(
                    f"  {name:14} writers={writers} batch={batch:2}: "
                    f"{rates[(name, writers, batch)]:8.0f} events/s",
                    flush=True,
                )
    return rates


# -- read_all and rebuild over a realistic log -----------------------------------------------


def lifecycle(n: int, at: datetime) -> list[tuple[str, int, str, dict, datetime]]:
    """The 13 events of one contact: a customer, then a chat handled start to finish."""
    customer, interaction = str(uuid.UUID(int=2 * n + 1)), str(uuid.UUID(int=2 * n + 2))
    c, i = f"customer-{customer}", f"interaction-{interaction}"
    agent = n % 100 + 1
    msg = {
        "interaction_id": interaction,
        "channel": "webchat",
        "sender": f"visitor-{n}",
        "text": "Where is my order?",
        "attachments": [],
        "channel_data": {},
    }
    sent = {
        "interaction_id": interaction,
        "channel": "webchat",
        "author": f"agent:{agent}",
        "author_name": "Agent",
        "text": "Let me check that for you.",
        "attachments": [],
        "channel_data": {},
    }
    offer = str(uuid.UUID(int=n))
    steps = [
        (c, "CustomerRegistered", {"customer_id": customer, "name": f"Customer {n}"}),
        (
            c,
            "CustomerIdentityAdded",
            {"customer_id": customer, "kind": "web", "address": f"visitor-{n}"},
        ),
        (
            i,
            "InteractionCreated",
            {
                "interaction_id": interaction,
                "channel": "webchat",
                "channel_key": "demo",
                "customer_id": customer,
                "threading_key": f"visitor-{n}",
            },
        ),
        (i, "MessageReceived", {**msg, "message_id": f"{interaction}-1"}),
        (i, "InteractionQueued", {"interaction_id": interaction, "queue_id": n % 3 + 1}),
        (
            i,
            "OfferCreated",
            {
                "interaction_id": interaction,
                "offer_id": offer,
                "agent_id": agent,
                "queue_id": n % 3 + 1,
                "expires_at": at.isoformat(),
                "decision": {"strategy": "longest_idle", "candidates": 12},
            },
        ),
        (i, "OfferAccepted", {"interaction_id": interaction, "offer_id": offer, "agent_id": agent}),
        (i, "MessageSent", {**sent, "message_id": f"{interaction}-2"}),
        (i, "MessageReceived", {**msg, "message_id": f"{interaction}-3", "text": "Thanks"}),
        (i, "MessageSent", {**sent, "message_id": f"{interaction}-4", "text": "Anytime"}),
        (i, "WrapUpStarted", {"interaction_id": interaction, "agent_id": agent}),
        (
            i,
            "WrapUpCompleted",
            {"interaction_id": interaction, "agent_id": agent, "disposition": "resolved"},
        ),
        (i, "InteractionClosed", {"interaction_id": interaction}),
    ]
    versions = {c: 0, i: 0}
    rows = []
    for k, (stream, type_, data) in enumerate(steps):
        versions[stream] += 1
        rows.append((stream, versions[stream], type_, data, at + timedelta(seconds=k * 20)))
    return rows


def write_log(url: str, contacts: int) -> int:
    import psycopg

    meta = json.dumps(METADATA)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    with psycopg.connect(harness.psycopg_dsn(url)) as conn, conn.cursor() as cursor:
        for sql in owner_flush_statements(["TRUNCATE event_log"]):
            cursor.execute(sql)
        with cursor.copy(
            "COPY event_log (stream_id, version, type, data, metadata, occurred_at) FROM STDIN"
        ) as copy:
            for n in range(contacts):
                for stream, version, type_, data, at in lifecycle(
                    n, start + timedelta(seconds=n * 3)
                ):
                    copy.write_row((stream, version, type_, json.dumps(data), meta, at))
        conn.commit()
    return contacts * 13


def read_and_rebuild(url: str) -> dict[str, float]:
    harness.setup_django(url)
    from contactcenter.events import projections, store

    figures = {}
    started = time.perf_counter()
    total = write_log(url, REBUILD_CONTACTS)
    print(f"  wrote a log of {total:,} events in {time.perf_counter() - started:.1f} s")

    with harness.Stopwatch() as watch:
        read = sum(len(page) for page in store.iter_all(0, 1000))
    assert read == total, (read, total)
    figures["read_all"] = read / watch.seconds
    print(f"  read_all (pages of 1,000): {figures['read_all']:,.0f} events/s", flush=True)

    for projector in projections.all_projectors().values():
        if projector.catch_up:
            continue
        with harness.Stopwatch() as watch:
            replayed = projections.rebuild(projector)
        figures[f"rebuild {projector.name}"] = replayed / watch.seconds
        print(f"  rebuild {projector.name}: {replayed / watch.seconds:,.0f} events/s", flush=True)
    return figures


def main() -> int:
    url = harness.prepare_database()
    if url is None:
        return 1
    print(f"machine: {harness.machine()}")
    print("appends (each writer its own process, committing every transaction):")
    rates = appends(url)
    print("read and rebuild:")
    figures = read_and_rebuild(url)

    rows = []
    for writers in (1, 4):
        for batch in (1, 10):
            raw = rates[("raw INSERT", writers, batch)]
            es = rates[("eventsourcing", writers, batch)]
            ours = rates[("ours", writers, batch)]
            rows.append(
                [
                    f"{writers} writer(s), batch {batch}",
                    f"{raw:,.0f}",
                    f"{es:,.0f}",
                    f"{ours:,.0f}",
                    f"{ours / raw:.2f}",
                    f"{ours / es:.2f}",
                ]
            )
    print()
    print(
        harness.table(
            ["appends (events/s)", "raw INSERT", "eventsourcing", "ours", "ours/raw", "ours/es"],
            rows,
        )
    )
    print()
    print(
        harness.table(
            ["read and rebuild", "events/s"],
            [[name, f"{rate:,.0f}"] for name, rate in figures.items()],
        )
    )

    single_raw = rates[("raw INSERT", 1, 1)]
    single_ours = rates[("ours", 1, 1)]
    single_es = rates[("eventsourcing", 1, 1)]
    rebuild = min(v for k, v in figures.items() if k.startswith("rebuild"))
    checks = [
        (
            "single-writer append >= 50% of raw INSERT",
            single_ours >= 0.5 * single_raw,
            f"{single_ours / single_raw:.0%}",
        ),
        (
            "single-writer append faster than eventsourcing",
            single_ours > single_es,
            f"{single_ours / single_es:.2f}x",
        ),
        ("rebuild >= 20,000 events/s (slowest projection)", rebuild >= 20_000, f"{rebuild:,.0f}/s"),
    ]
    print()
    for label, ok, figure in checks:
        print(f"  {harness.verdict(ok)}  {label}: {figure}")
    print(
        harness.summary(
            "eventstore",
            append_1w_per_s=round(single_ours),
            append_4w_batch10_per_s=round(rates[("ours", 4, 10)]),
            ours_over_raw_1w=f"{single_ours / single_raw:.2f}",
            ours_over_eventsourcing_1w=f"{single_ours / single_es:.2f}",
            read_all_per_s=round(figures["read_all"]),
            slowest_rebuild_per_s=round(rebuild),
            ok=harness.verdict(all(ok for _, ok, _ in checks)),
        )
    )
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
