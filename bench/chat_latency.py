"""Web chat latency against a live Daphne, with Redis and PostgreSQL on loopback.

Agents are connected to `/ws/agent/` (200, or enough for every chat of the highest rate at 3
slots each; BENCH_AGENTS overrides); new chats start at BENCH_RATES per second (5, 20, 50;
up to 100 and beyond) for 10 s. For each chat we time (b) the first visitor message sent -> an
offer for it arriving on an agent socket, and, once an agent has accepted, (a) a visitor
message sent -> the agent's socket receiving it. We also read the server's CPU time (Daphne
and router processes) from the servers having settled after the agents' connects to the
visitors gone, per chat; and, measured before, what they use idle with the agents connected,
which is part of it ("idle", in the line of each rate and in the summary). Beside it, the
CPU PostgreSQL's backends spent on the bench's database over the same window, not part of
the target (bench/database_cpu.py).

Each rate runs against each number of Daphne processes in BENCH_SERVERS (1 and one per core
by default), started as docs/deploy.md deploys them (`manage.py serve --no-workers`, one
asyncio loop: one process uses one core); agents and visitors are spread over the processes
as a load balancer would. One worker process serves them (`manage.py run_router`: every
background loop, the router, the catch-up projections and the outbox among them, as a
deployment runs them; until 2026-12-07 the bench left the last two out, and with them a
large part of a chat's cost). Before each, the same arrivals
and messages go through a bare Channels relay (bench/relay_app.py, bench/chat_relay.py:
Daphne and the same Redis pub/sub layer, no platform): the floor under (a); then through the
same relay committing each message to PostgreSQL before it relays it (a thread's trip and a
transaction of one INSERT), the floor under any path that pushes only what is kept. The
relays' processes' CPU over those runs, per pair of sockets, is a yardstick for the CPU per
chat, as machines differ: a chat's CPU in relay pairs can be set beside another machine's.
At the end, the chats a second each number of processes reached at the highest rate, and
the one-line summary (CONTRACT.md).

Targets (issue 18): at most 25 ms of server CPU per chat; at 20 chats/s (a) p99 <= 50 ms and
(b) p99 <= 250 ms; at 5 chats/s (a) p99 within 2x of the bare relay's. The load generator
shares the machine's cores with the servers, PostgreSQL and Redis.

    --profile (or BENCH_PROFILE=1): py-spy on each server process over each rate's window,
        var/profiles/chat-<process>-<servers>x<rate>.txt, summarised by phase of a chat
        (bench/chat_profile.py); then the phase-by-phase CPU below. BENCH_PROFILE_RATE
        samples a second (200 unless set; 1000 tells a phase's small costs apart).
    BENCH_STATEMENTS=1: the statements PostgreSQL ran over each rate's window, per chat
        (bench/chat_statements.py; needs pg_stat_statements preloaded).
    BENCH_TRACE=1: where a message's time goes, step by step, from the visitor's socket to
        the agent's (bench/chat_trace.py: the Daphnes note when each message reached each
        step, on the clock the bench reads), and the slowest messages' steps.
    --phases (or BENCH_PHASES=1): only the phase-by-phase CPU per chat (bench/chat_phases.py:
        BENCH_PHASE_CHATS chats in lockstep, one phase at a time; the router's part of
        routing read over BENCH_ROUTER_CHATS more, one arrival a round).

BENCH_DATABASE_URL and BENCH_REDIS_URL (database 9 by default) choose where it runs; the
channel layer's prefix is REDIS_PREFIX, else one per run.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import (
    chat_phases,
    chat_profile,
    chat_rebuild,
    chat_relay,
    chat_rounds,
    chat_statements,
    chat_trace,
    database_cpu,
    harness,
)
from contactcenter.privacy.database_roles import owner_flush_statements

RATES = tuple(int(r) for r in os.environ.get("BENCH_RATES", "5,20,50").split(","))
SERVERS = tuple(
    int(n) for n in os.environ.get("BENCH_SERVERS", f"1,{os.cpu_count() or 1}").split(",")
)
SECONDS = 10  # of chat arrivals per rate
SLOTS = 3  # chats an agent takes at once
# A chat keeps its agent's slot to the end of the run (the visitor leaves, nobody wraps up):
# enough agents for every chat of the highest rate, never fewer than 200.
AGENTS = int(os.environ.get("BENCH_AGENTS", 0)) or max(200, -(-max(RATES) * SECONDS // SLOTS))
ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
AGENTS_OPENING = 25  # consoles connecting at once
# Redis pub/sub channels ignore the database number: a prefix of its own keeps two checkouts'
# runs on one Redis apart.
REDIS_PREFIX = os.environ.get("REDIS_PREFIX") or f"benchchat{os.getpid()}"
TRACES = ROOT / "var" / "traces"  # BENCH_TRACE=1: the Daphnes' notes, one file a process


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
            # A run's Daphnes leave their console leases behind (they are stopped, not
            # `serve`d): the next run's router would sweep them in its measured window.
            "routing_console_socket, routing_console_server, "
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
        profile.capacities.create(channel="webchat", capacity=SLOTS)
        profile.queues.set([queue])
        cookies.append(session_cookie(user).decode())
    config.invalidate()
    for user in User.objects.filter(username__startswith="latency-agent"):
        set_presence(user.pk, "available")
    harness.vacuum()  # every run from the same start, whatever ran before it
    return cookies


def start(url: str, log_name: str, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": REDIS_PREFIX,
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "LOG_LEVEL": "WARNING",
        "DATABASE_POOL": "1",  # as in production; the harness turns it off for itself
        # every simulated visitor connects from 127.0.0.1
        "WEBCHAT_MESSAGES_PER_IP_PER_MINUTE": "1000000",
        "BENCH_TRACE_DIR": str(TRACES),
    }
    log = (ROOT / "var" / f"bench-chat-{log_name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    if not samples:
        return float("nan"), float("nan"), float("nan")
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return pick(0.50) * 1000, pick(0.95) * 1000, pick(0.99) * 1000


class Run:
    def __init__(self, ports: list[int], cookies: list[str], database: str = ""):
        self.ports = ports
        self.cookies = cookies
        self.database = database  # its URL, to count statements on (BENCH_STATEMENTS=1)
        self.statements = chat_statements.Counted(unavailable="not measured")
        self.offer_sent: dict[str, float] = {}  # interaction -> first message time
        self.offer_seen: dict[str, float] = {}  # interaction -> offer arrival, if first
        self.offer_latency: list[float] = []
        self.message_sent: dict[str, float] = {}  # text -> time sent
        self.message_latency: list[float] = []
        self.message_times: list[tuple[str, float, float]] = []  # text, sent, received
        self.accepted: dict[str, asyncio.Event] = {}
        self.opening = asyncio.Semaphore(AGENTS_OPENING)
        self.messages = 0
        self.started: list[float] = []  # when each chat's first message went out
        self.router_cpu = 0.0  # s, of the server CPU drive() returns
        self.database_cpu = 0.0  # s, PostgreSQL's backends' over the same window
        self.database_unavailable = ""  # why database_cpu was not measured
        self.idle_cpu = 0.0  # s a s, the servers' with the agents connected and no chat
        self.window = 0.0  # s, drive()'s measured window
        self.switches = (0, 0)  # the servers' threads' waits and preemptions over the window

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
        # A few dozen consoles open at a time, as a shift's logins spread out: all 200 at once
        # queued their handshakes past Daphne's 5 s accept timeout on a busy machine, and the
        # run ended with "only 199 of 200 agents connected".
        async with self.opening:
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/agent/",
                origin=f"http://127.0.0.1:{port}",
                additional_headers={"Cookie": cookie},
                max_queue=None,
            )
        async with ws:
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
                    # As the console: it opens the offer (the offer card), and its accept asks
                    # for no view (the offer's view held back no whisper): the accept's pushes
                    # bring what it changed.
                    interaction = data["interaction_id"]
                    await ws.send(json.dumps({"type": "open", "interaction_id": interaction}))
                    await ws.send(
                        json.dumps(
                            {
                                "type": "accept",
                                "ref": "a",
                                "interaction_id": interaction,
                                "offer_id": data["offer_id"],
                                "view": "none",
                            }
                        )
                    )
                elif frame["event"] == "OfferAccepted":
                    event = self.accepted.get(data["interaction_id"])
                    if event:
                        event.set()
                elif frame["event"] == "MessageReceived" and data["text"] in self.message_sent:
                    sent = self.message_sent.pop(data["text"])
                    self.message_latency.append(now - sent)
                    self.message_times.append((data["text"], sent, now))

    async def visitor(self, n: int) -> None:
        import websockets

        port = self.port(n)
        # As the widget opens it: a new visitor's socket is its session too (its welcome
        # hands over the token), with no request for a token before it.
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/webchat/?channel=demo",
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

    async def connect_agents(self) -> list[asyncio.Task]:
        ready = asyncio.Event()
        counter = [0]
        agents = [asyncio.create_task(self.agent(n, ready, counter)) for n in range(AGENTS)]
        try:
            await asyncio.wait_for(ready.wait(), 120)
        except TimeoutError:
            raise RuntimeError(f"only {counter[0]} of {AGENTS} agents connected") from None
        return agents

    async def visit(self, rate: int) -> None:
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

    async def drive(self, rate: int, processes: list, tag: str) -> tuple[float, dict]:
        """Agents connect, then visitors arrive at `rate`; returns the server CPU seconds
        the visitors cost (from the agents being ready to the visitors gone) and the
        profiles taken over that window (--profile); the statements the database ran over it
        are in `self.statements` (BENCH_STATEMENTS=1)."""
        agents = await self.connect_agents()
        names = [f"daphne{i}" for i in range(len(processes) - 1)] + ["router"]
        # The window opens once the servers are done with the agents' logging in, and what
        # they use idle meanwhile (pings, the router's loops) is measured to be told apart.
        self.idle_cpu = sum(
            await chat_phases.settled(lambda: [harness.cpu_seconds(p.pid) for p in processes])
        )
        with (
            chat_profile.recording(processes, names, tag) as profiles,
            chat_statements.counting(self.database, tag) as self.statements,
            database_cpu.Backends(self.database) as backends,
        ):
            before = [harness.cpu_seconds(p.pid) for p in processes]
            switched = [harness.context_switches(p.pid) for p in processes]
            database_before = backends.sample()
            started = time.perf_counter()
            await self.visit(rate)
            await asyncio.sleep(0.5)  # the last visitors' leaving
            after = [harness.cpu_seconds(p.pid) for p in processes]
            self.switches = harness.switches_since(switched, [p.pid for p in processes])
            self.database_cpu = database_cpu.spent(database_before, backends.sample())
            self.window = time.perf_counter() - started
        self.database_unavailable = backends.unavailable
        self.router_cpu = after[-1] - before[-1]
        cpu = sum(after) - sum(before)
        for task in agents:
            task.cancel()
        await asyncio.gather(*agents, return_exceptions=True)
        return cpu, profiles


def server_ports(servers: int, pid: int | None = None) -> list[int]:
    """Ports for `servers` processes, by this process's id (two checkouts' runs apart), all
    below 32768, where Linux's ephemeral ports begin (ip_local_port_range): a port of that
    range was once taken by some process's outgoing connection as the run started, and the
    run died with "Address already in use" and half its agents unconnected."""
    base = 20000 + (os.getpid() if pid is None else pid) % 3000 * 4
    return [base + i for i in range(servers)]


@contextmanager
def serving(url: str, servers: int, relay: str = "", router=True):
    """`servers` Daphne processes (and the router): yields their ports and the processes, the
    router last; stops them all at the end. The platform's run as docs/deploy.md deploys
    them, `manage.py serve --no-workers` (its WebSocket pings, its start); a `relay` app on
    bare Daphne."""
    ports = server_ports(servers)
    traced = ("-m", "bench.chat_trace") if chat_trace.TRACE and not relay else ()
    if traced:
        for old in TRACES.glob("chat-*.tsv"):
            old.unlink()
    processes = [
        start(url, f"relay{i}", "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), relay)
        if relay
        else start(
            url, f"daphne{i}", *traced, "manage.py", "serve", "--no-workers", "--port", str(port)
        )
        for i, port in enumerate(ports)
    ]
    if router:
        processes.append(start(url, "router", "manage.py", "run_router"))
    try:
        for port in ports:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except urllib.error.HTTPError:
                    break  # it answers
                except OSError:
                    time.sleep(0.2)
        yield ports, processes
    finally:
        harness.stop(processes)


@dataclass
class Measured:
    run: Run
    cpu: float  # server seconds over the visitors' window
    floor: chat_relay.Relayed  # the bare relay's run, at the same rate
    kept: chat_relay.Relayed  # the committing relay's
    profiles: dict = field(default_factory=dict)
    rebuilt: chat_rebuild.Rebuilt | None = None  # the run's log replayed, against its rows
    rounds: chat_rounds.Rounds | None = None  # the router's rounds that made the offers
    traced: list[dict[str, float]] = field(default_factory=list)  # BENCH_TRACE=1's timelines

    @property
    def chats(self) -> int:
        return len(self.run.started)

    @property
    def cpu_ms_per_chat(self) -> float:
        return self.cpu / max(1, self.chats) * 1000

    @property
    def database_ms_per_chat(self) -> float:
        return self.run.database_cpu / max(1, self.chats) * 1000

    @property
    def switches_per_chat(self) -> tuple[float, float]:
        """The servers' threads' waits and preemptions a chat, over the visitors' window."""
        waited, preempted = self.run.switches
        return waited / max(1, self.chats), preempted / max(1, self.chats)

    @property
    def idle_ms_per_chat(self) -> float:
        """Of `cpu_ms_per_chat`, what the servers would have used over the window anyway."""
        return self.run.idle_cpu * self.run.window / max(1, self.chats) * 1000


def measure(url: str, servers: int, rate: int) -> Measured:
    """One rate: the bare relay's floor, the same relay committing each message first, then
    the platform (`servers` Daphne processes and a router) at the same arrivals."""
    chat_relay.make_table(url)
    with serving(url, servers, relay="bench.relay_app:application", router=False) as (
        ports,
        relays,
    ):
        pids = [p.pid for p in relays]
        floor = chat_relay.relayed(ports, rate, SECONDS, pids)
        kept = chat_relay.relayed(ports, rate, SECONDS, pids, kind="kept")
    cookies = setup_center(url)
    with serving(url, servers) as (ports, processes):
        run = Run(ports, cookies, url)
        cpu, profiles = asyncio.run(run.drive(rate, processes, f"{servers}x{rate}"))
    rounds = chat_rounds.counted()
    traced = (
        chat_trace.timelines(chat_trace.read(TRACES), run.message_times) if chat_trace.TRACE else []
    )
    return Measured(run, cpu, floor, kept, profiles, chat_rebuild.compare(), rounds, traced)


def row(servers: int, rate: int, m: Measured) -> list:
    a, b = percentiles(m.run.message_latency), percentiles(m.run.offer_latency)
    floor = percentiles(m.floor.latencies)
    return [
        servers,
        f"{rate}/s",
        f"{m.run.achieved_rate():.1f}/s",
        len(m.run.offer_latency),
        len(m.run.message_latency),
        *(f"{x:.1f}" for x in a),
        *(f"{x:.1f}" for x in b),
        f"{floor[2]:.1f}",
        f"{percentiles(m.kept.latencies)[2]:.1f}",
        f"{m.cpu_ms_per_chat:.1f}",
        f"{m.floor.cpu_ms_per_pair:.1f}",
        f"{m.kept.cpu_ms_per_pair:.1f}",
        "-" if m.run.database_unavailable else f"{m.database_ms_per_chat:.1f}",
    ]


HEADERS = ["Daphnes", "new chats", "achieved", "offers", "messages"]
HEADERS += ["msg p50", "msg p95", "msg p99", "offer p50", "offer p95", "offer p99"]
HEADERS += ["relay p99", "kept relay p99", "CPU ms/chat"]
HEADERS += ["relay CPU ms/pair", "kept relay CPU ms/pair", "PostgreSQL ms/chat"]


def throughput(results: dict[tuple[int, int], Measured]) -> str:
    """At the highest rate: the chats a second each number of server processes reached."""
    top = max(RATES)
    rows = []
    for servers in SERVERS:
        m = results[servers, top]
        achieved = m.run.achieved_rate()
        rows.append([servers, f"{top}/s", f"{achieved:.1f}/s", f"{achieved / servers:.1f}/s"])
    return harness.table(["Daphnes", "offered", "achieved", "per process"], rows)


def verdicts(results: dict[tuple[int, int], Measured]) -> list[bool]:
    """Issue 18's targets, for each number of server processes measured."""
    checks = []
    for servers in SERVERS:
        cpu_rate = 20 if 20 in RATES else min(RATES)
        cpu = results[servers, cpu_rate].cpu_ms_per_chat
        label = f"server CPU per chat <= 25 ms at {cpu_rate} chats/s"
        checks.append((servers, label, cpu <= 25, f"{cpu:.1f} ms"))
        if 20 in RATES:
            a99 = percentiles(results[servers, 20].run.message_latency)[2]
            b99 = percentiles(results[servers, 20].run.offer_latency)[2]
            label = "message p99 <= 50 ms at 20 chats/s"
            checks.append((servers, label, a99 <= 50, f"{a99:.1f} ms"))
            label = "offer p99 <= 250 ms at 20 chats/s"
            checks.append((servers, label, b99 <= 250, f"{b99:.1f} ms"))
        if 5 in RATES:
            a99 = percentiles(results[servers, 5].run.message_latency)[2]
            f99 = percentiles(results[servers, 5].floor.latencies)[2]
            label = "message p99 <= 2x the bare relay's at 5 chats/s"
            checks.append((servers, label, a99 <= 2 * f99, f"{a99:.1f} vs {f99:.1f} ms"))
        for rate in RATES:
            if rebuilt := results[servers, rate].rebuilt:
                label = f"the log of the run at {rate} chats/s rebuilds to its projections"
                checks.append((servers, label, rebuilt.ok, str(rebuilt)))
    print()
    for servers, label, ok, figure in checks:
        print(f"  {harness.verdict(ok)}  {label}, {servers} Daphne: {figure}")
    if 5 in RATES:
        for servers in SERVERS:
            m = results[servers, 5]
            f99, k99 = percentiles(m.floor.latencies)[2], percentiles(m.kept.latencies)[2]
            print(
                f"  (at 5 chats/s, {servers} Daphne, a relay that commits each message before "
                f"it relays it: p99 {k99:.1f} ms, {k99 / f99:.1f}x the bare relay's)"
            )
    return [ok for _, _, ok, _ in checks]


def main() -> int:
    url = harness.prepare_database()
    if url is None:
        return 1
    print(f"machine: {harness.machine()}")
    if chat_phases.ONLY:
        return chat_phases.main(url)
    print(f"{AGENTS} agents, {SLOTS} chats each; rates {RATES}, Daphnes {SERVERS}")
    results: dict[tuple[int, int], Measured] = {}
    for servers in SERVERS:
        for rate in RATES:
            m = results[servers, rate] = measure(url, servers, rate)
            a, b = percentiles(m.run.message_latency), percentiles(m.run.offer_latency)
            print(
                f"  {servers} Daphne, {rate} chats/s ({m.run.achieved_rate():.1f}/s achieved): "
                f"message p99 {a[2]:.1f} ms (bare relay {percentiles(m.floor.latencies)[2]:.1f}, "
                f"committing relay {percentiles(m.kept.latencies)[2]:.1f}), "
                f"offer p99 {b[2]:.1f} ms, server CPU {m.cpu_ms_per_chat:.1f} ms/chat "
                f"(router {m.run.router_cpu / max(1, m.chats) * 1000:.1f}, {m.rounds}; "
                "idle with the "
                f"agents connected {m.idle_ms_per_chat:.1f}: "
                f"{m.run.idle_cpu * 1000:.0f} ms/s over {m.run.window:.1f} s), against the "
                f"relays' {m.floor.cpu_ms_per_pair:.1f} (bare) and {m.kept.cpu_ms_per_pair:.1f} "
                "(committing) ms a pair of sockets; "
                f"the servers' threads waited {m.switches_per_chat[0]:.0f} times a chat and "
                f"were preempted {m.switches_per_chat[1]:.0f} (the bare relay's "
                f"{m.floor.switches_per_pair[0]:.0f} and {m.floor.switches_per_pair[1]:.0f} a "
                "pair); "
                + (
                    f"PostgreSQL {m.database_ms_per_chat:.1f} ms/chat"
                    if not m.run.database_unavailable
                    else f"PostgreSQL's CPU not measured ({m.run.database_unavailable})"
                ),
                flush=True,
            )
            if chat_statements.ON:
                print(m.run.statements.summary(m.chats), flush=True)
                if path := chat_statements.write(m.run.statements, m.chats, f"{servers}x{rate}"):
                    print(f"  statements: {path.relative_to(ROOT)}", flush=True)
            if m.profiles:
                print(chat_profile.report(m.profiles, m.cpu_ms_per_chat), flush=True)
            if chat_trace.TRACE:
                print(chat_trace.report(m.traced, len(m.run.message_times)), flush=True)
    print()
    print(harness.table(HEADERS, [row(s, r, results[s, r]) for s, r in results]))
    print(f"\nthroughput vs servers at {max(RATES)} chats/s offered:")
    print(throughput(results))
    passed = verdicts(results)
    if chat_profile.PROFILE:
        passed.append(chat_phases.main(url) == 0)
    servers, rate = max(SERVERS), 20 if 20 in RATES else max(RATES)
    m = results[servers, rate]
    print(
        harness.summary(
            "chat_latency",
            rate=rate,
            servers=servers,
            achieved=m.run.achieved_rate(),
            msg_p99_ms=percentiles(m.run.message_latency)[2],
            offer_p99_ms=percentiles(m.run.offer_latency)[2],
            cpu_ms_per_chat=m.cpu_ms_per_chat,
            idle_ms_per_chat=m.idle_ms_per_chat,
            floor_p99_ms=percentiles(m.floor.latencies)[2],
            floor_cpu_ms_per_pair=m.floor.cpu_ms_per_pair,
        )
    )
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
