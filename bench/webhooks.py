"""Inbound SMS webhooks against a live Daphne on PostgreSQL: each request's X-Twilio-Signature
is checked, its message appended as events (customer registered, interaction created, message
received) and the interaction admitted to a queue, all before the answer. Webhooks per second
and latency percentiles, with 1 and 16 concurrent senders (each its own thread with a
keep-alive connection; the server is one Daphne process with the psycopg pool, a child of this
one). CPU ms per request: the server process's user + system CPU over the measured window
(/proc, harness.cpu_seconds), divided by the requests; PostgreSQL's share is not in it.

No target is set by the issue; the figures go to docs/benchmarks.md.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import urlencode

from bench import harness

SENDERS = (1, 16)
REQUESTS = {1: 300, 16: 1600}
WARM_UP = 30
TOKEN = "bench-twilio-token"
NUMBER = "+15005550006"
ACCOUNT = "AC" + "b" * 32
PATH = "/hooks/twilio/sms/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare() -> None:
    """An SMS queue with an entry point, and the Twilio number, in the bench database."""
    from channels_adapters.twilio.models import TwilioChannel
    from routing.models import EntryPoint, Queue

    queue, _ = Queue.objects.get_or_create(name="Bench SMS", defaults={"channels": ["sms"]})
    EntryPoint.objects.update_or_create(
        channel="sms", channel_key=NUMBER, defaults={"queue": queue, "flow": None}
    )
    TwilioChannel.objects.update_or_create(
        phone_number=NUMBER,
        defaults={"name": "Bench", "account_sid": ACCOUNT, "auth_token": TOKEN},
    )


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATABASE_POOL": "1",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "serve",
            "--no-workers",
            "--smtp-port",
            "0",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("Daphne did not start")


def signed_requests(port: int, count: int, tag: str) -> list[tuple[str, dict]]:
    """Twilio-shaped bodies from distinct senders, signed beforehand (the senders only send)."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    url = f"http://127.0.0.1:{port}{PATH}"
    prepared = []
    for n in range(count):
        sid = "SM" + uuid.uuid4().hex
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": ACCOUNT,
            "From": f"+1555{tag}{n:06d}",
            "To": NUMBER,
            "Body": f"Hello, my order {n} has not arrived.",
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }
        prepared.append(
            (
                urlencode(params),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": validator.compute_signature(url, params),
                },
            )
        )
    return prepared


def send_all(port: int, requests: list, senders: int) -> tuple[float, list[float], int]:
    """Returns wall seconds, every latency, and how many answers were not 200."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    share = [requests[i::senders] for i in range(senders)]
    barrier = threading.Barrier(senders + 1)

    def sender(mine: list) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        own = []
        barrier.wait()
        for body, headers in mine:
            started = time.perf_counter()
            conn.request("POST", PATH, body, headers)
            response = conn.getresponse()
            response.read()
            own.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    failures[0] += 1
        conn.close()
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=sender, args=(mine,)) for mine in share]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, failures[0]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    url = harness.prepare_database()
    if url is None:
        return 1
    prepare()
    from contactcenter.events.models import Event

    print(f"machine: {harness.machine()}")
    port = free_port()
    server = start_server(url, port)
    rows, ok = [], True
    figures: dict[int, tuple[float, float, float]] = {}
    try:
        send_all(port, signed_requests(port, WARM_UP, "9"), 1)  # connections, caches
        for senders in SENDERS:
            before = Event.objects.filter(type="InteractionQueued").count()
            requests = signed_requests(port, REQUESTS[senders], f"{senders % 10}")
            cpu_before = harness.cpu_seconds(server.pid)
            wall, latencies, failures = send_all(port, requests, senders)
            cpu_ms = (harness.cpu_seconds(server.pid) - cpu_before) * 1000 / len(requests)
            queued = Event.objects.filter(type="InteractionQueued").count() - before
            ok &= failures == 0 and queued == len(requests)
            rows.append(
                [
                    f"{senders} sender(s)",
                    f"{len(requests):,}",
                    f"{len(requests) / wall:,.0f}",
                    f"{percentile(latencies, 50) * 1000:.1f}",
                    f"{percentile(latencies, 99) * 1000:.1f}",
                    f"{cpu_ms:.1f}",
                    f"{queued:,}",
                    str(failures),
                ]
            )
            figures[senders] = (len(requests) / wall, percentile(latencies, 99) * 1000, cpu_ms)
            print(f"  {senders} sender(s): done", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print()
    print(
        harness.table(
            [
                "inbound SMS webhooks",
                "requests",
                "per second",
                "p50 ms",
                "p99 ms",
                "server CPU ms/request",
                "queued",
                "not 200",
            ],
            rows,
        )
    )
    print(f"\nevery webhook answered 200 and queued its interaction: {harness.verdict(ok)}")
    print(
        harness.summary(
            "webhooks",
            **{
                f"{name}_{senders}": value
                for senders, (rate, p99, cpu) in figures.items()
                for name, value in (("per_s", rate), ("p99_ms", p99), ("cpu_ms", cpu))
            },
            ok=harness.verdict(ok),
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
