"""The chat benchmark's relays (bench/relay_app.py, bench/chat_relay.py): the bare one, and the
one that commits each message to PostgreSQL before it relays it, run on Daphne as the bench
runs them."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from bench import chat_relay
from contactcenter.privacy import owner_connection
from tests.faults.services import free_port, wait_for_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
RELAY = "bench.relay_app:application"


def database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgresql://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def relay():
    url, port = database_url(), free_port()
    # As the bench makes it, by the owner where the suite runs as the application's role (CI).
    role = connection.settings_dict["USER"]
    with owner_connection.as_owner(connection), connection.cursor() as cursor:
        cursor.execute(chat_relay.KEPT_TABLE)
        cursor.execute(f'GRANT ALL ON {chat_relay.KEPT}, {chat_relay.KEPT}_id_seq TO "{role}"')
    chat_relay.make_table(url)
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), RELAY],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "REDIS_PREFIX": f"relaytest{os.getpid()}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield url, port, server.pid
    finally:
        server.terminate()
        server.wait(10)


def test_the_kept_relay_commits_every_message_before_it_relays_it(relay):
    url, port, _ = relay
    latencies = asyncio.run(chat_relay.drive([port], rate=5, seconds=1, kind="kept"))

    assert len(latencies) == 5 * 3  # three timed messages a pair
    with psycopg.connect(url) as kept:
        texts = [text for (text,) in kept.execute(f"SELECT text FROM {chat_relay.KEPT}")]
    # Each pair's first message and its three timed ones, each committed once.
    assert sorted(texts) == sorted(
        [f"start {n}" for n in range(5)] + [f"message {n}.{k}" for n in range(5) for k in range(3)]
    )


def test_the_bare_relay_keeps_nothing(relay):
    url, port, _ = relay
    latencies = asyncio.run(chat_relay.drive([port], rate=5, seconds=1))

    assert len(latencies) == 15
    with psycopg.connect(url) as kept:
        assert kept.execute(f"SELECT count(*) FROM {chat_relay.KEPT}").fetchone() == (0,)


def test_a_relay_run_counts_its_processes_cpu_per_pair_of_sockets(relay):
    _, port, pid = relay

    started = time.perf_counter()
    run = chat_relay.relayed([port], rate=5, seconds=2, pids=[pid])
    wall = time.perf_counter() - started

    assert len(run.latencies) == 10 * 3
    assert run.pairs == 10
    # Ten pairs' connects, frames and closes take the relay some CPU, read from /proc in
    # clock ticks: more than none, and no more than the run's wall time on every core.
    assert 0 < run.cpu <= wall * (os.cpu_count() or 1)
    assert run.cpu_ms_per_pair == pytest.approx(run.cpu / 10 * 1000)
    # Each pair's frames are waits of the relay's threads: at least one a frame it read.
    waited, preempted = run.switches_per_pair
    assert waited >= 4 and preempted >= 0
