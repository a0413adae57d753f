"""Benchmark: the event feed over HTTP and outgoing webhook delivery.

- Event feed: a client follows `GET /api/v1/events/?after=…&limit=1000` from the start of a
  realistic log (bench.eventstore's contact lifecycles: 13 events each) through Daphne, the
  production server, in a process of its own; events/s end to end (HTTP, auth, JSON).
  For reference, `read_all` in pages of 1,000 in this process: the store's own ceiling.
  Server CPU ms per request (a page of 1,000 events): the Daphne child process's user + system
  CPU (/proc, harness.cpu_seconds) over the rounds, divided by the pages fetched.
- The price of waking long-polls in other processes: every appending transaction sends a
  PostgreSQL NOTIFY (EVENT_FEED_NOTIFY=1, the default), which PostgreSQL serialises at commit;
  appends/s as bench.eventstore measures them, with it and without.
- Webhooks: one subscription delivers the last WEBHOOK_EVENTS events of that log to a local
  receiver (another process, answering 204 and checking every signature) through the real
  delivery loop: events/s, one signed POST each, in log order. The loop runs in this process:
  its CPU per POST is this process's own (resource.getrusage(RUSAGE_SELF): every thread of it,
  the receiver being a process of its own) over the delivery, divided by the POSTs.

It uses a database of its own (`<bench database>_feed`), rebuilt on each run.
"""

import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tqdm import tqdm

from bench import harness
from bench.eventstore import TRANSACTIONS, ours_writer, reset, write_log

CONTACTS = 8_000  # x 13 events
PAGE = 1_000
ROUNDS = 3
WEBHOOK_EVENTS = 5_000
ROOT = Path(__file__).resolve().parent.parent


def feed_database_url() -> str:
    parts = urlsplit(harness.bench_database_url())
    return urlunsplit((parts.scheme, parts.netloc, parts.path + "_feed", "", ""))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "contactcenter.settings"}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "contactcenter.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import urllib3

    for _ in range(300):
        try:
            health = urllib3.request("GET", f"http://127.0.0.1:{port}/healthz", retries=False)
            if health.status < 600:
                return server
        except urllib3.exceptions.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("daphne did not start")


def supervisor_token() -> str:
    from django.contrib.auth.models import Group, User

    from contactcenter.api.models import ApiToken
    from contactcenter.roles import SUPERVISORS

    user, _ = User.objects.get_or_create(username="bench-supervisor")
    user.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    token = ApiToken(name="bench", user=user, can_read_events=True)
    key = token.issue()
    token.save()
    return key


def follow_feed(port: int, key: str, total: int) -> tuple[float, int]:
    """Events/s, and how many pages (requests) it took."""
    import orjson
    import urllib3

    http = urllib3.PoolManager(maxsize=1)
    headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
    after, read, pages = 0, 0, 0
    started = time.perf_counter()
    while True:
        answer = http.request(
            "GET",
            f"http://127.0.0.1:{port}/api/v1/events/?after={after}&limit={PAGE}",
            headers=headers,
        )
        page = orjson.loads(answer.data)
        pages += 1
        read += len(page["events"])
        after = page["next_after"]
        if not page["has_more"]:
            break
    seconds = time.perf_counter() - started
    assert read == total, (read, total)
    return read / seconds, pages


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def receiver(port_queue, count, secret: str) -> None:
    from contactcenter.webhooks import signing

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            ok = signing.verify(secret, dict(self.headers.items()), body)
            with count.get_lock():
                count.value += 1 if ok else 1_000_000_000
            self.send_response(204 if ok else 400)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def deliver_webhooks(total: int) -> tuple[float, float]:
    """Events/s, and this process's CPU ms per POST."""
    from contactcenter.events import store
    from contactcenter.webhooks import delivery
    from contactcenter.webhooks.models import WebhookSubscription

    context = multiprocessing.get_context("spawn")
    ports, count = context.Queue(), context.Value("q", 0)
    WebhookSubscription.objects.all().delete()
    subscription = WebhookSubscription(name="bench", url="http://127.0.0.1:1/")
    process = context.Process(target=receiver, args=(ports, count, subscription.secret))
    process.start()
    try:
        subscription.url = f"http://127.0.0.1:{ports.get(timeout=30)}/hook"
        start_after = store.read_all(0, total - WEBHOOK_EVENTS)[-1].position
        subscription.position = start_after
        subscription.save()
        end = store.last_position()
        with tqdm(total=WEBHOOK_EVENTS, desc="  webhooks", unit="ev", leave=False) as bar:
            started, cpu_before = time.perf_counter(), own_cpu_seconds()
            while True:
                done = delivery.run_once()
                bar.update(done)
                subscription.refresh_from_db()
                if subscription.position == end or subscription.paused:
                    break
            seconds = time.perf_counter() - started
            cpu = own_cpu_seconds() - cpu_before
    finally:
        process.kill()
    assert not subscription.paused, subscription.paused_reason
    assert count.value == WEBHOOK_EVENTS, (count.value, WEBHOOK_EVENTS)
    return WEBHOOK_EVENTS / seconds, cpu * 1000 / WEBHOOK_EVENTS


def settle() -> None:
    """Followers stop below the oldest running transaction, of any database on the server:
    wait until the log just written is readable."""
    from django.db import connection

    from contactcenter.events import store

    with connection.cursor() as cursor:
        cursor.execute("SELECT position FROM event_log ORDER BY txid DESC, position DESC LIMIT 1")
        newest = cursor.fetchone()[0]
    while store.last_position() != newest:
        time.sleep(0.05)


def notify_cost(url: str) -> dict[tuple[int, str], float]:
    rates = {}
    for writers in (1, 4):
        for notify in ("0", "1"):
            reset(url)
            os.environ["EVENT_FEED_NOTIFY"] = notify
            elapsed = harness.run_processes(ours_writer, [(w, 1, url) for w in range(writers)])
            rates[(writers, notify)] = writers * TRANSACTIONS[1] / max(elapsed)
    os.environ.pop("EVENT_FEED_NOTIFY")
    return rates


def main() -> int:
    url = harness.prepare_database(feed_database_url())
    if url is None:
        return 1
    from contactcenter.events import store

    print(f"machine: {harness.machine()}")
    notify = notify_cost(url)
    total = write_log(url, CONTACTS)
    settle()
    print(f"  a log of {total:,} events ({CONTACTS:,} contacts, 13 events each)")
    with harness.Stopwatch() as watch:
        read = sum(len(page) for page in store.iter_all(0, PAGE))
    in_process = read / watch.seconds
    key = supervisor_token()
    port = free_port()
    server = start_server(url, port)
    try:
        cpu_before = harness.cpu_seconds(server.pid)
        rounds = [
            follow_feed(port, key, total)
            for _ in tqdm(range(ROUNDS), desc="  feed rounds", leave=False)
        ]
        feed_cpu = harness.cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=10)
    http_rates = [rate for rate, _ in rounds]
    feed_cpu_ms = feed_cpu * 1000 / sum(pages for _, pages in rounds)
    webhooks, webhook_cpu_ms = deliver_webhooks(total)
    best = max(http_rates)
    median = sorted(http_rates)[len(http_rates) // 2]
    print(
        harness.table(
            ["", "events/s", "CPU ms/request"],
            [
                ["read_all in process, pages of 1,000 (reference)", f"{in_process:,.0f}", ""],
                [
                    f"event feed over HTTP (Daphne), pages of {PAGE:,}, best of {ROUNDS}",
                    f"{best:,.0f}",
                    f"{feed_cpu_ms:.1f} (server)",
                ],
                ["event feed over HTTP, median", f"{median:,.0f}", ""],
                [
                    f"webhooks, {WEBHOOK_EVENTS:,} signed POSTs to a local receiver",
                    f"{webhooks:,.0f}",
                    f"{webhook_cpu_ms:.2f} (delivery loop)",
                ],
            ],
        )
    )
    print(
        harness.table(
            ["appends/s (1 event per transaction)", "NOTIFY off", "NOTIFY on", "on/off"],
            [
                [
                    f"{writers} writer(s)",
                    f"{notify[(writers, '0')]:,.0f}",
                    f"{notify[(writers, '1')]:,.0f}",
                    f"{notify[(writers, '1')] / notify[(writers, '0')]:.2f}",
                ]
                for writers in (1, 4)
            ],
        )
    )
    print(
        harness.summary(
            "feed",
            feed_events_per_s=best,
            feed_cpu_ms_per_page=feed_cpu_ms,
            webhooks_per_s=webhooks,
            webhook_cpu_ms=f"{webhook_cpu_ms:.2f}",
            notify_on_over_off_4=f"{notify[(4, '1')] / notify[(4, '0')]:.2f}",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
