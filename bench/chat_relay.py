"""The floor under the chat benchmark's message latency: the same Daphne processes, the same
Redis pub/sub channel layer, the same arrivals (`rate` new pairs a second for SECONDS, each a
"visitor" socket and an "agent" socket, the agent's on another process when there are two),
the same messages (one first, then three 200 ms apart, the three timed) through
bench/relay_app.py, which does nothing but relay them (`visitor`), or commits each to
PostgreSQL first and then relays it (`kept`). What the platform adds is the rest.

The relay's processes' CPU over the same run is a yardstick for the chat's CPU: what Daphne,
the channel layer and a socket's frames cost a pair of sockets on this machine, with nothing
of the platform's. Machines differ several-fold in what the same chat costs; set against this
yardstick, measured in the same run, runs on different machines can be compared."""

import asyncio
import time
from dataclasses import dataclass

from bench import harness

KEPT = "bench_relay_kept"  # the table the `kept` relay commits each message to
KEPT_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {KEPT} (id bigserial PRIMARY KEY, chat text NOT NULL, "
    "text text NOT NULL, kept_at timestamptz NOT NULL DEFAULT now())"
)


def make_table(url: str) -> None:
    """KEPT, empty, in the database at `url` (before the relay's processes start)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        if connection.execute("SELECT to_regclass(%s)", [KEPT]).fetchone() == (None,):
            connection.execute(KEPT_TABLE)
        connection.execute(f"TRUNCATE {KEPT}")


async def pair(ports: list[int], n: int, latencies: list[float], kind: str = "visitor") -> None:
    import websockets

    agent_port, visitor_port = ports[n % len(ports)], ports[(n + 1) % len(ports)]
    async with (
        websockets.connect(f"ws://127.0.0.1:{agent_port}/relay/agent/{n}/") as agent,
        websockets.connect(f"ws://127.0.0.1:{visitor_port}/relay/{kind}/{n}/") as visitor,
    ):
        await visitor.send(f"start {n}")
        await asyncio.wait_for(agent.recv(), 30)
        for k in range(3):
            sent = time.perf_counter()
            await visitor.send(f"message {n}.{k}")
            await asyncio.wait_for(agent.recv(), 30)
            latencies.append(time.perf_counter() - sent)
            await asyncio.sleep(0.2)


async def drive(ports: list[int], rate: int, seconds: int, kind: str = "visitor") -> list[float]:
    latencies: list[float] = []
    pairs = []
    started = time.perf_counter()
    for n in range(rate * seconds):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pairs.append(asyncio.create_task(pair(ports, n, latencies, kind)))
    results = await asyncio.gather(*pairs, return_exceptions=True)
    failures = [r for r in results if isinstance(r, Exception)]
    if failures:
        print(f"  relay ({kind}): {len(failures)} pairs failed, e.g. {failures[0]!r}")
    return latencies


@dataclass(frozen=True)
class Relayed:
    """One relay's run: each timed message's latency, and its processes' CPU over the run."""

    latencies: list[float]  # s
    cpu: float  # s, the relay's processes' together
    pairs: int
    switches: tuple[int, int]  # their threads' waits and preemptions

    @property
    def cpu_ms_per_pair(self) -> float:
        return self.cpu / max(1, self.pairs) * 1000

    @property
    def switches_per_pair(self) -> tuple[float, float]:
        return self.switches[0] / max(1, self.pairs), self.switches[1] / max(1, self.pairs)


def relayed(
    ports: list[int],
    rate: int,
    seconds: int,
    pids: list[int],
    kind: str = "visitor",
) -> Relayed:
    """`drive`, with the relay's processes' (`pids`) CPU and context switches read around it."""
    cpu_before = sum(harness.cpu_seconds(pid) for pid in pids)
    switched = [harness.context_switches(pid) for pid in pids]
    latencies = asyncio.run(drive(ports, rate, seconds, kind))
    cpu = sum(harness.cpu_seconds(pid) for pid in pids) - cpu_before
    return Relayed(latencies, cpu, rate * seconds, harness.switches_since(switched, pids))
