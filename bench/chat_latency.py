"""Web chat latency against a live Daphne, with Redis and PostgreSQL on loopback.

200 agents are connected to `/ws/agent/`; new chats start at 5, 20 and 50 per second. For each
chat we time (b) the first visitor message sent -> an offer for it arriving on an agent socket,
and, once an agent has accepted, (a) a visitor message sent -> the agent's socket receiving it.
We also read the server's CPU time (Daphne and router processes) per visitor message.

Each rate runs twice: against one Daphne process, and against one per core (two here), the way
Daphne is deployed (it is one asyncio loop, so one process uses one core); agents and visitors
are spread over the processes as a load balancer would. One router process serves both.

Targets (issue 4): (a) p99 <= 50 ms and (b) p99 <= 250 ms at 20 chats/s on the 2-core machine.
The load generator shares those two cores with the servers, PostgreSQL and Redis.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import harness
from contactcenter.privacy.database_roles import owner_flush_statements

AGENTS = 200
RATES = tuple(int(r) for r in os.environ.get("BENCH_RATES", "5,20,50").split(","))
SERVERS = tuple(
    int(n) for n in os.environ.get("BENCH_SERVERS", f"1,{os.cpu_count() or 1}").split(",")
)
SECONDS = 10  # of chat arrivals per rate
ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")


def setup_center(url: str) -> list[str]:
    """Agents, a queue and the demo chat; returns the agents' session cookies."""
    harness.setup_django(url)
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from channels_adapters.webchat.models import WebChatChannel
    from contactcenter.events import projections
    from routing import config
    from routing.models import AgentProfile, EntryPoint, Queue
    from routing.presence import set_presence
    from tests.sockets import session_cookie

    tables = ["event_log", "events_projectioncheckpoint", "interactions_delivery"] + [
        m._meta.db_table for p in projections.all_projectors().values() for m in p.models
    ]
    # The owner's reset: the log refuses TRUNCATE but for this one transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in owner_flush_statements([f"TRUNCATE {', '.join(tables)}"]):
            cursor.execute(sql)
        cursor.execute(
            "TRUNCATE routing_entrypoint, routing_agentprofile_queues, "
            "routing_agentskill, routing_agentprofile, routing_queue, "
            "webchat_webchattopic, webchat_webchatchannel, django_session CASCADE"
        )
    User.objects.filter(username__startswith="latency-agent").delete()
    queue = Queue.objects.create(name="latency", channels=["webchat"], offer_timeout_seconds=120)
    EntryPoint.objects.create(channel="webchat", channel_key="*", queue=queue)
    WebChatChannel.objects.create(key="demo", name="Demo", messages_per_minute=1000)
    cookies = []
    for n in range(AGENTS):
        user = User.objects.create_user(f"latency-agent{n}")
        profile = AgentProfile.objects.create(user=user)
        profile.capacities.create(channel="webchat", capacity=3)
        profile.queues.set([queue])
        cookies.append(session_cookie(user).decode())
    config.invalidate()
    for user in User.objects.filter(username__startswith="latency-agent"):
        set_presence(user.pk, "available")
    return cookies


def start(url: str, log_name: str, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "LOG_LEVEL": "WARNING",
        "DATABASE_POOL": "1",  # as in production; the harness turns it off for itself
        # every simulated visitor connects from 127.0.0.1
        "WEBCHAT_MESSAGES_PER_IP_PER_MINUTE": "1000000",
    }
    log = (ROOT / "var" / f"bench-chat-{log_name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return pick(0.50) * 1000, pick(0.95) * 1000, pick(0.99) * 1000


class Run:
    def __init__(self, ports: list[int], cookies: list[str]):
        self.ports = ports
        self.cookies = cookies
        self.offer_sent: dict[str, float] = {}  # interaction -> first message time
        self.offer_seen: dict[str, float] = {}  # interaction -> offer arrival, if first
        self.offer_latency: list[float] = []
        self.message_sent: dict[str, float] = {}  # text -> time sent
        self.message_latency: list[float] = []
        self.accepted: dict[str, asyncio.Event] = {}
        self.messages = 0
        self.started: list[float] = []  # when each chat's first message went out

    def achieved_rate(self) -> float:
        """Chats actually started per second: the generator can fall behind its schedule."""
        if len(self.started) < 2:
            return 0.0
        return (len(self.started) - 1) / (max(self.started) - min(self.started))

    # The offer can reach its agent before the ack reaches the visitor: match either way.
    def offer_asked(self, interaction_id: str, sent: float) -> None:
        if interaction_id in self.offer_seen:
            self.offer_latency.append(self.offer_seen.pop(interaction_id) - sent)
        else:
            self.offer_sent[interaction_id] = sent

    def offer_arrived(self, interaction_id: str, now: float) -> None:
        if interaction_id in self.offer_sent:
            self.offer_latency.append(now - self.offer_sent.pop(interaction_id))
        else:
            self.offer_seen[interaction_id] = now

    def port(self, n: int) -> int:
        return self.ports[n % len(self.ports)]

    async def agent(self, n: int, ready: asyncio.Event, counter: list[int]) -> None:
        import websockets

        port, cookie = self.port(n), self.cookies[n]
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/agent/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": cookie},
            max_queue=None,
        ) as ws:
            counter[0] += 1
            if counter[0] == AGENTS:
                ready.set()
            async for raw in ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                if frame.get("type") != "event":
                    continue
                data = frame["data"]
                if frame["event"] == "OfferCreated":
                    self.offer_arrived(data["interaction_id"], now)
                    await ws.send(
                        json.dumps(
                            {
                                "type": "accept",
                                "ref": "a",
                                "interaction_id": data["interaction_id"],
                                "offer_id": data["offer_id"],
                            }
                        )
                    )
                elif frame["event"] == "OfferAccepted":
                    event = self.accepted.get(data["interaction_id"])
                    if event:
                        event.set()
                elif frame["event"] == "MessageReceived" and data["text"] in self.message_sent:
                    self.message_latency.append(now - self.message_sent.pop(data["text"]))

    async def visitor(self, n: int) -> None:
        import websockets

        port = self.port(n)
        body = json.dumps({"channel": "demo"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/widget/session/",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        token = json.loads(await asyncio.to_thread(lambda: urllib.request.urlopen(request).read()))[
            "token"
        ]
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/webchat/?token={token}",
            origin=f"http://127.0.0.1:{port}",
        ) as ws:
            await ws.recv()  # welcome
            await ws.send(
                json.dumps({"type": "message", "text": f"start {n}", "client_message_id": f"s{n}"})
            )
            sent = time.perf_counter()
            self.started.append(sent)
            ack = await self.until(ws, "ack")
            self.offer_asked(ack["interaction_id"], sent)
            self.messages += 1
            accepted = self.accepted.setdefault(ack["interaction_id"], asyncio.Event())
            await asyncio.wait_for(accepted.wait(), 30)
            for k in range(3):
                text = f"message {n}.{k}"
                self.message_sent[text] = time.perf_counter()
                await ws.send(
                    json.dumps({"type": "message", "text": text, "client_message_id": f"m{n}.{k}"})
                )
                self.messages += 1
                await asyncio.sleep(0.2)
            await asyncio.sleep(1)

    @staticmethod
    async def until(ws, kind: str) -> dict:
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if frame.get("type") == "error":
                raise RuntimeError(f"the server refused: {frame}")
            if frame.get("type") == kind:
                return frame

    async def drive(self, rate: int) -> None:
        ready = asyncio.Event()
        counter = [0]
        agents = [asyncio.create_task(self.agent(n, ready, counter)) for n in range(AGENTS)]
        try:
            await asyncio.wait_for(ready.wait(), 120)
        except TimeoutError:
            raise RuntimeError(f"only {counter[0]} of {AGENTS} agents connected") from None
        visitors = []
        started = time.perf_counter()
        for n in range(rate * SECONDS):
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            visitors.append(asyncio.create_task(self.visitor(n)))
        results = await asyncio.wait_for(
            asyncio.gather(*visitors, return_exceptions=True), SECONDS + 120
        )
        failures = [r for r in results if isinstance(r, Exception)]
        if failures:
            print(f"  {len(failures)} visitors failed, e.g. {failures[0]!r}")
        for task in agents:
            task.cancel()
        await asyncio.gather(*agents, return_exceptions=True)


def measure(url: str, servers: int, rate: int) -> tuple[Run, float]:
    """One run: `servers` Daphne processes and a router; returns the run and server CPU s."""
    cookies = setup_center(url)
    base = 20000 + os.getpid() % 10000 * 3
    ports = [base + i for i in range(servers)]
    processes = [
        start(
            url,
            f"daphne{i}",
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "contactcenter.asgi:application",
        )
        for i, port in enumerate(ports)
    ]
    processes.append(
        start(url, "router", "manage.py", "run_router", "--no-outbox", "--no-projections")
    )
    try:
        for port in ports:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
        cpu_before = sum(harness.cpu_seconds(p.pid) for p in processes)
        run = Run(ports, cookies)
        asyncio.run(run.drive(rate))
        cpu = sum(harness.cpu_seconds(p.pid) for p in processes) - cpu_before
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return run, cpu


def main() -> int:
    url = harness.prepare_database()
    if url is None:
        return 1
    print(f"machine: {harness.machine()}")
    rows, figures = [], {}
    for servers in SERVERS:
        for rate in RATES:
            run, cpu = measure(url, servers, rate)
            a, b = percentiles(run.message_latency), percentiles(run.offer_latency)
            figures[servers, rate] = (a, b)
            per_message = cpu / max(1, run.messages) * 1000
            rows.append(
                [
                    servers,
                    f"{rate}/s",
                    f"{run.achieved_rate():.1f}/s",
                    len(run.offer_latency),
                    len(run.message_latency),
                    *(f"{x:.1f}" for x in a),
                    *(f"{x:.1f}" for x in b),
                    f"{per_message:.1f}",
                ]
            )
            print(
                f"  {servers} Daphne, {rate} chats/s ({run.achieved_rate():.1f}/s achieved): "
                f"message p99 {a[2]:.1f} ms, "
                f"offer p99 {b[2]:.1f} ms, server CPU {per_message:.1f} ms/message",
                flush=True,
            )
    print()
    print(
        harness.table(
            [
                "Daphnes",
                "new chats",
                "achieved",
                "offers",
                "messages",
                "msg p50",
                "msg p95",
                "msg p99",
                "offer p50",
                "offer p95",
                "offer p99",
                "CPU ms/msg",
            ],
            rows,
        )
    )
    verdicts = []
    for servers in SERVERS:
        if (servers, 20) not in figures:
            continue
        a99, b99 = figures[servers, 20][0][2], figures[servers, 20][1][2]
        print()
        for label, ok, figure in (
            ("visitor message -> agent p99 <= 50 ms", a99 <= 50, f"{a99:.1f} ms"),
            ("chat start -> offer p99 <= 250 ms", b99 <= 250, f"{b99:.1f} ms"),
        ):
            print(f"  {harness.verdict(ok)}  {label} at 20 chats/s, {servers} Daphne: {figure}")
            verdicts.append(ok)
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
