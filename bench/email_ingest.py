"""Inbound e-mail on PostgreSQL: messages/s and latency from SMTP DATA to a queued interaction.

`manage.py run_smtp` runs as its own process (4 intake threads) against the bench database;
1 and then 4 concurrent senders, each a thread holding one SMTP connection like a mail server
does, send realistic messages (text and HTML alternatives, one in ten with a PDF attached,
each from a new customer, so each starts an interaction, is queued and acknowledged). Our
listener answers DATA with 250 only once the interaction is committed, so the time from
sending DATA to the 250 is the latency asked for: SMTP DATA accepted -> interaction queued.
CPU ms per message: the listener process's user + system CPU (/proc, harness.cpu_seconds)
while the senders send, divided by the messages (PostgreSQL's share is not in it).
"""

import os
import re
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

from bench import harness
from contactcenter.privacy.database_roles import owner_flush_statements

MESSAGES = {1: 400, 4: 200}  # per sender
ROOT = Path(__file__).resolve().parent.parent
INBOX = "support@example.com"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 80  # about 20 KB


def message(sender: int, n: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Customer {sender}-{n} <customer-{sender}-{n}-{time.time_ns()}@example.org>"
    mail["To"] = INBOX
    mail["Subject"] = f"Order {sender}{n:05d} has not arrived"
    mail["Message-ID"] = f"<bench-{sender}-{n}-{time.time_ns()}@mail.example.org>"
    text = (
        f"Hello,\n\nmy order {sender}{n:05d} was due last week and the tracking page shows "
        "nothing since it left the warehouse. Could you look into it?\n\nThanks,\nA customer\n"
    ) * 4
    mail.set_content(text)
    mail.add_alternative("<p>" + text.replace("\n", "<br>") + "</p>", subtype="html")
    if n % 10 == 0:
        mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="receipt.pdf")
    return mail.as_bytes(policy=policy.SMTP)  # CRLF line ends, as on the wire


def reset() -> None:
    from django.db import connection, transaction

    from channels_adapters.email.models import EmailChannel
    from contactcenter.events import projections
    from contactcenter.events.models import ProjectionCheckpoint
    from contactcenter.interactions.models import Delivery
    from routing.models import EntryPoint, Queue

    models = {m for p in projections.all_projectors().values() for m in p.models}
    tables = ["event_log", Delivery._meta.db_table, ProjectionCheckpoint._meta.db_table]
    tables += sorted(m._meta.db_table for m in models)
    # The owner's reset: the log refuses TRUNCATE but for this one transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in owner_flush_statements([f"TRUNCATE {', '.join(tables)} CASCADE"]):
            cursor.execute(sql)
    EmailChannel.objects.all().delete()
    EntryPoint.objects.filter(channel="email").delete()
    queue, _ = Queue.objects.get_or_create(name="Bench support", defaults={"channels": ["email"]})
    EmailChannel.objects.create(
        name="Bench inbox", addresses=INBOX, queue=queue, sender_limit_per_hour=0
    )


def start_listener(url: str) -> tuple[subprocess.Popen, int]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATABASE_POOL": "1",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="email-bench-"),  # attachments, raw messages
    }
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_smtp", "--port", "0", "--threads", "4"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline()
    found = re.search(r":(\d+)$", line.strip())
    if not found:
        server.kill()
        raise RuntimeError(f"run_smtp did not start: {line!r}")
    return server, int(found.group(1))


def sender(port: int, number: int, count: int, barrier, latencies: list[float]) -> None:
    bodies = [message(number, n) for n in range(count)]
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
        client.ehlo()
        barrier.wait()
        for n, body in enumerate(bodies):
            client.mail(f"customer-{number}-{n}@example.org")
            client.rcpt(INBOX)
            started = time.perf_counter()
            code, reply = client.data(body)
            latencies.append(time.perf_counter() - started)
            if code != 250:
                raise RuntimeError(f"message refused: {code} {reply!r}")


def run(port: int, senders: int, server_pid: int) -> dict[str, float]:
    latencies: list[float] = []
    barrier = threading.Barrier(senders + 1)
    threads = [
        threading.Thread(target=sender, args=(port, s, MESSAGES[senders], barrier, latencies))
        for s in range(senders)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started, cpu_before = time.perf_counter(), harness.cpu_seconds(server_pid)
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = harness.cpu_seconds(server_pid) - cpu_before
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "messages": len(latencies),
        "rate": len(latencies) / wall,
        "p50": cuts[49] * 1000,
        "p99": cuts[98] * 1000,
        "cpu_ms": cpu * 1000 / len(latencies),
    }


def queued() -> int:
    from contactcenter.interactions.models import Interaction

    return Interaction.objects.filter(channel="email", state="queued").count()


def main() -> int:
    url = harness.prepare_database()
    if url is None:
        return 1
    print(f"machine: {harness.machine()}")
    rows, ok, headline = [], True, {}
    for senders in (1, 4):
        reset()
        server, port = start_listener(url)
        try:
            figures = run(port, senders, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        waiting = queued()
        ok = ok and waiting == figures["messages"]
        print(
            f"  {senders} sender(s): {figures['rate']:.0f} messages/s, "
            f"p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms, "
            f"server CPU {figures['cpu_ms']:.1f} ms/message "
            f"({waiting} of {figures['messages']} queued)",
            flush=True,
        )
        rows.append(
            [
                f"{senders} sender(s)",
                f"{figures['messages']:,}",
                f"{figures['rate']:,.0f}",
                f"{figures['p50']:.1f}",
                f"{figures['p99']:.1f}",
                f"{figures['cpu_ms']:.1f}",
            ]
        )
        headline |= {
            f"per_s_{senders}": figures["rate"],
            f"p99_ms_{senders}": figures["p99"],
            f"cpu_ms_{senders}": figures["cpu_ms"],
        }
    print()
    print(
        harness.table(
            [
                "SMTP -> queued (PostgreSQL)",
                "messages",
                "messages/s",
                "p50 ms",
                "p99 ms",
                "server CPU ms/message",
            ],
            rows,
        )
    )
    print(f"every message queued: {harness.verdict(ok)}")
    print(harness.summary("email_ingest", **headline, ok=harness.verdict(ok)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
