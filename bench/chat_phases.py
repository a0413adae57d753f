"""Where a chat's server CPU goes, phase by phase: `python -m bench chat_latency --phases`
(or BENCH_PHASES=1) alone, and after the rates with --profile.

CHATS chats (BENCH_PHASE_CHATS, 100) are driven in lockstep, one phase at a time for all of
them: socket connects (a new visitor's session, as the widget opens it), first messages,
routing and offers, accepts, three rounds of one message, the visitors leaving. Each phase
waits for its answers (acks, offers on the agents' sockets, OfferAccepted, the messages on the
agents' sockets) and then for the servers to go quiet; the Daphne processes' and the router's
CPU (user + system, /proc) is read before and after it, less what they use idle with the
agents connected (measured first, per second).
For the first message the router is stopped (SIGSTOP) until every visitor has its ack, so the
Daphne side (ingest) and the router's (routing, the offer) are read apart; the pushes of the
offers to the agents' sockets are the Daphne side of "routing + offer". Resumed, the router
finds every chat waiting and offers fifty in a round, one transaction: a fraction of what an
arrival costs it at any rate measured, where a round takes one or two. So its column there is
read apart, after the visitors have left: ROUTER_CHATS more chats, one at a time, each sent
once the last one's offer has reached its agent, one round each; the router's CPU over them,
a chat, is what the table counts (the batch's is printed beside it). With --profile,
py-spy records each phase too (var/profiles/chat-<process>-phase<n>.txt) and the table is
followed by each phase's top functions of ours. Beside each phase, PostgreSQL's CPU for the
bench's database over it (bench/database_cpu.py), less its idle rate: not server CPU, not in
the total the target is read from.
"""

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence

ONLY = "--phases" in sys.argv or os.environ.get("BENCH_PHASES") == "1"
CHATS = int(os.environ.get("BENCH_PHASE_CHATS", 100))
QUIET_WINDOW = 0.3  # s: the servers are quiet when a window this long costs them
QUIET_CPU = 0.02  # s of CPU or less beyond their idle rate
ROUTER_CHATS = int(os.environ.get("BENCH_ROUTER_CHATS", 50))  # routed one at a time
ROUTING = "routing + offer to the agent"


async def settled(cpu: Callable[[], Sequence[float]]) -> tuple[float, ...]:
    """After the agents' connects: until the servers' CPU per second (`cpu()`, seconds by
    group of processes) stops falling (at most 30 s), then their idle rate over 3 s, CPU
    seconds a second by group. The consoles' first snapshots and presence are the agents'
    logging in, once a shift, not any chat's."""
    deadline, last, previous = time.monotonic() + 30, cpu(), float("inf")
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        now = cpu()
        spent, last = sum(now) - sum(last), now
        if os.environ.get("BENCH_PHASE_TRACE"):
            print(f"  settling: {spent * 1000:.0f} ms/s")
        if (spent >= previous * 0.8 and spent < 0.2) or spent < 0.02:
            break
        previous = spent
    before, started = cpu(), time.monotonic()
    await asyncio.sleep(3)
    seconds, after = time.monotonic() - started, cpu()
    return tuple((a - b) / seconds for a, b in zip(after, before, strict=True))


class Lockstep:
    def __init__(self, ports: list[int], cookies: list[str], daphnes: list, router, backends):
        self.ports, self.cookies = ports, cookies
        self.daphnes, self.router = daphnes, router
        self.backends = backends  # PostgreSQL's, of the bench's database
        self.database_seen: dict[int, float] = {}
        self.database_seconds = 0.0  # their CPU since the first sample
        self.offers: dict[str, tuple] = {}  # interaction -> (agent socket, offer id)
        self.accepted: set[str] = set()
        self.opened: set[str] = set()
        self.received: set[str] = set()  # message texts seen on agents' sockets
        self.acks: set[str] = set()  # client message ids acknowledged to visitors
        self.visitors: list = []
        self.listeners: list[asyncio.Task] = []
        self.idle = (0.0, 0.0, 0.0)  # CPU s per s, Daphnes, router, PostgreSQL; agents connected
        self.rows: list[tuple[str, float, float, float]] = []  # phase, Daphne, router, PostgreSQL s
        self.profiles: dict[str, dict] = {}  # phase -> its profiles (--profile)
        self.router_batched = 0.0  # s a chat, the router in the routing phase (fifty a round)
        self.router_alone = 0.0  # s a chat, the router with one arrival a round

    def cpu(self) -> tuple[float, float, float]:
        """CPU seconds so far: the Daphnes', the router's, and PostgreSQL's for the bench."""
        from bench import database_cpu, harness

        sample = self.backends.sample()
        self.database_seconds += database_cpu.spent(self.database_seen, sample)
        self.database_seen = sample
        return (
            sum(harness.cpu_seconds(p.pid) for p in self.daphnes),
            harness.cpu_seconds(self.router.pid),
            self.database_seconds,
        )

    async def agent(self, n: int, ready: list[int]) -> None:
        import websockets

        port = self.ports[n % len(self.ports)]
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/agent/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": self.cookies[n]},
            max_queue=None,
        ) as ws:
            ready[0] += 1
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "interaction":
                    self.opened.add(frame["interaction"]["id"])
                if frame.get("type") != "event":
                    continue
                data, event = frame["data"], frame["event"]
                if event == "OfferCreated":
                    self.offers[data["interaction_id"]] = (ws, data["offer_id"])
                elif event == "OfferAccepted":
                    self.accepted.add(data["interaction_id"])
                elif event == "MessageReceived":
                    self.received.add(data["text"])

    async def listen(self, ws) -> None:
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") == "ack":
                self.acks.add(frame["client_message_id"])
            elif frame.get("type") == "error":
                print(f"  phases: the server refused: {frame}")

    async def settle(self) -> None:
        self.idle = await settled(self.cpu)

    async def quiet(self) -> None:
        """Until a window costs the servers no more than their idle rate (at most 10 s)."""
        deadline = time.monotonic() + 10
        last = self.cpu()
        while time.monotonic() < deadline:
            await asyncio.sleep(QUIET_WINDOW)
            now = self.cpu()
            spent = sum(now) - sum(last) - sum(self.idle) * QUIET_WINDOW
            last = now
            if spent <= QUIET_CPU:
                return

    async def phase(self, name: str, work, *, quiet: bool = True) -> None:
        tag = f"phase{len(self.rows) + 1}"
        self.rows.append((name, *await self.measured(name, tag, work, quiet=quiet)))

    async def measured(
        self, name: str, tag: str, work, *, quiet: bool = True
    ) -> tuple[float, float, float]:
        """The Daphnes', the router's and PostgreSQL's CPU seconds over `work()` (and the
        quiet after it), less their idle rate."""
        from bench import chat_profile

        processes = [*self.daphnes, self.router]
        names = [f"daphne{i}" for i in range(len(self.daphnes))] + ["router"]
        with chat_profile.recording(processes, names, tag) as paths:
            before, started = self.cpu(), time.monotonic()
            await work()
            if quiet:
                await self.quiet()
            after, seconds = self.cpu(), time.monotonic() - started
        self.profiles[name] = paths
        daphne, router, database = (
            max(0.0, a - b - idle * seconds)
            for a, b, idle in zip(after, before, self.idle, strict=True)
        )
        return daphne, router, database

    @staticmethod
    async def until(condition, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError(f"phases: timed out waiting for {what}")
            await asyncio.sleep(0.005)

    # -- the phases ---------------------------------------------------------------------------

    async def connect(self) -> None:
        self.visitors = await self.opened_visitors(CHATS)

    async def opened_visitors(self, count: int) -> list:
        import websockets

        async def one(n: int):
            port = self.ports[n % len(self.ports)]
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/webchat/?channel=demo",  # the widget's: a session
                origin=f"http://127.0.0.1:{port}",
                max_queue=None,
            )
            await ws.recv()  # welcome
            self.listeners.append(asyncio.create_task(self.listen(ws)))
            return ws

        return await asyncio.gather(*(one(n) for n in range(count)))

    async def send_all(self, prefix: str, text: str) -> None:
        for n, ws in enumerate(self.visitors):
            frame = {"type": "message", "text": f"{text} {n}", "client_message_id": f"{prefix}{n}"}
            await ws.send(json.dumps(frame))

    async def first_messages(self) -> None:
        self.router.send_signal(signal.SIGSTOP)
        try:
            await self.send_all("s", "start")
            await self.until(lambda: all(f"s{n}" in self.acks for n in range(CHATS)), "acks")
            await self.quiet()
        except BaseException:
            self.router.send_signal(signal.SIGCONT)
            raise

    async def routing(self) -> None:
        self.router.send_signal(signal.SIGCONT)
        await self.until(lambda: len(self.offers) >= CHATS, "offers")

    async def open_offers(self) -> None:
        """What the console does when an offer arrives: it opens it, to show the offer card."""
        for interaction, (ws, _) in list(self.offers.items()):
            await ws.send(json.dumps({"type": "open", "interaction_id": interaction}))
        await self.until(lambda: len(self.opened) >= CHATS, "opened offers")

    async def accept(self) -> None:
        for interaction, (ws, offer) in list(self.offers.items()):
            frame = {
                "type": "accept",
                "ref": "a",
                "interaction_id": interaction,
                "offer_id": offer,
                "view": "none",  # as the console asks: it opened the offer, no whisper held back
            }
            await ws.send(json.dumps(frame))
        await self.until(lambda: len(self.accepted) >= CHATS, "OfferAccepted")

    def message_round(self, k: int):
        async def work() -> None:
            await self.send_all(f"m{k}.", f"message {k}")
            texts = [f"message {k} {n}" for n in range(CHATS)]
            await self.until(lambda: all(t in self.received for t in texts), "messages")
            await self.until(lambda: all(f"m{k}.{n}" in self.acks for n in range(CHATS)), "acks")

        return work

    async def leave(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.visitors))

    async def one_arrival_a_round(self) -> None:
        """The router's CPU a chat where each arrival is a round of its own: ROUTER_CHATS more
        chats, one at a time, each once the last one's offer is on its agent's socket. It
        stands for the router's column of the routing phase, whose rounds took fifty."""
        count = min(ROUTER_CHATS, CHATS)
        visitors = await self.opened_visitors(count)
        await self.quiet()
        offered = len(self.offers)

        async def work() -> None:
            for n, ws in enumerate(visitors):
                frame = {"type": "message", "text": f"alone {n}", "client_message_id": f"r{n}"}
                await ws.send(json.dumps(frame))
                await self.until(lambda n=n: f"r{n}" in self.acks, "an ack")
                await self.until(lambda n=n: len(self.offers) > offered + n, "an offer")

        name = "the router, one arrival a round"
        _, router, _ = await self.measured(name, "router-alone", work)
        self.router_alone = router / count
        await asyncio.gather(*(ws.close() for ws in visitors))
        for n, (phase, daphne, batched, database) in enumerate(self.rows):
            if phase == ROUTING:
                self.router_batched = batched / CHATS
                self.rows[n] = (phase, daphne, self.router_alone * CHATS, database)

    async def drive(self, agents: int) -> None:
        ready = [0]
        tasks = [asyncio.create_task(self.agent(n, ready)) for n in range(agents)]
        await self.until(lambda: ready[0] >= agents, "agents", 120)
        await self.settle()
        await self.phase("visitor socket connect (a new visitor's session)", self.connect)
        await self.phase("first message: ingest (router stopped)", self.first_messages)
        await self.phase(ROUTING, self.routing)
        await self.phase("the console opens the offer", self.open_offers)
        await self.phase("accept", self.accept)
        for k in range(3):
            await self.phase(f"message {k + 1}", self.message_round(k))
        await self.phase("visitor leaves", self.leave)
        await self.one_arrival_a_round()
        for task in tasks + self.listeners:
            task.cancel()
        await asyncio.gather(*tasks, *self.listeners, return_exceptions=True)


def top_of_phase(paths: dict) -> str:
    """A phase's profile in a line: our functions with the most inclusive samples."""
    from bench import chat_profile

    lines = [line for path in paths.values() if path.exists() for line in path.open()]
    total = sum(count for _, count in chat_profile.parse(lines)) or 1
    top = chat_profile.top_functions(lines, 4)
    return ", ".join(f"{name.split(' (')[0]} {100 * k / total:.0f}%" for name, k in top)


def table(rows: list[tuple[str, float, float, float]], chats: int, database: bool = True) -> str:
    """Per phase: Daphne, router and total server CPU in ms per chat, and the share; then
    PostgreSQL's ms per chat, apart (a dash where it was not measured)."""
    from bench import harness

    total = sum(d + r for _, d, r, _ in rows) or 1e-9
    ms = lambda seconds: f"{seconds / chats * 1000:.1f}"  # noqa: E731
    share = lambda seconds: f"{100 * seconds / total:.0f}%"  # noqa: E731
    apart = lambda seconds: ms(seconds) if database else "-"  # noqa: E731
    lines = [[name, ms(d), ms(r), ms(d + r), share(d + r), apart(p)] for name, d, r, p in rows]
    daphne, router = sum(row[1] for row in rows), sum(row[2] for row in rows)
    postgres = sum(row[3] for row in rows)
    lines.append(["total", ms(daphne), ms(router), ms(total), "100%", apart(postgres)])
    headers = ["phase", "Daphne ms", "router ms", "ms/chat", "share", "PostgreSQL ms"]
    return harness.table(headers, lines)


def main(url: str) -> int:
    from bench import chat_latency, chat_rebuild, database_cpu, harness

    servers = max(chat_latency.SERVERS)
    cookies = chat_latency.setup_center(url)
    with (
        chat_latency.serving(url, servers) as (ports, processes),
        database_cpu.Backends(url) as backends,
    ):
        lockstep = Lockstep(ports, cookies, processes[:-1], processes[-1], backends)
        asyncio.run(lockstep.drive(chat_latency.AGENTS))
    print(
        f"\nserver CPU per chat, phase by phase: {CHATS} chats in lockstep, {servers} Daphne, "
        f"{chat_latency.AGENTS} agents (idle with agents connected, taken off: Daphne "
        f"{lockstep.idle[0] * 1000:.0f} ms/s, router {lockstep.idle[1] * 1000:.0f} ms/s, "
        f"PostgreSQL {lockstep.idle[2] * 1000:.0f} ms/s)"
    )
    print(table(lockstep.rows, CHATS, database=not backends.unavailable))
    print(
        f"  the router's column of {ROUTING!r}: {lockstep.router_alone * 1000:.1f} ms a chat "
        f"with one arrival a round ({min(ROUTER_CHATS, CHATS)} more chats, one at a time); "
        f"{lockstep.router_batched * 1000:.1f} in the phase itself, up to fifty a round"
    )
    if backends.unavailable:
        print(f"  PostgreSQL's CPU not measured: {backends.unavailable}")
    for name, paths in lockstep.profiles.items():
        if paths:
            print(f"  {name}: {top_of_phase(paths)}")
    total = sum(d + r for _, d, r, _ in lockstep.rows) / CHATS * 1000
    print(f"  {harness.verdict(total <= 25)}  server CPU per chat <= 25 ms: {total:.1f} ms")
    rebuilt = chat_rebuild.compare()
    said = f"the log of the run rebuilds to its projections: {rebuilt}"
    print(f"  {harness.verdict(rebuilt.ok)}  {said}")
    if ONLY:
        print(harness.summary("chat_latency", servers=servers, phase_cpu_ms_per_chat=total))
    return 0 if total <= 25 and rebuilt.ok else 1
