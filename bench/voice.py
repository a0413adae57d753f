"""Voice on the platform's own media path: concurrent bridged, recorded calls per server process.

Each step starts the platform on the benchmark's database as production runs it
(docs/deploy.md): the server (`manage.py serve --no-workers`: web, sockets, media) and a worker
process beside it (`manage.py run_workers`: router, projections, outbox…;
BENCH_VOICE_WORKERS=inside: the embedded `serve`, every loop a thread of the server). It puts
N calls through it as they really come: Twilio's signed voice webhook rings each call in, the
router offers it to a softphone agent, the agent accepts (Twilio's REST API, a stand-in on
127.0.0.1, is told the <Connect><Stream> TwiML), and then the caller's audio arrives as a
Twilio Media Stream (bench/voice_lines.py speaks the documented protocol) while the agent's is
WebRTC from an aiortc peer posting its offer with the agent's session. Every call is recorded
(the queue has no recording policy: the default records).

Both ends say a carrier tone with a loud marker frame every half second; from what the other
end hears come the one-way latency (marker out -> marker heard) and the lost frames (gaps in
the carrier, or less heard than said), and from /proc the server's CPU time over the window,
less what it used idle before the calls (its background loops), per call. Beside each step,
the floor: as many aiortc peers against a bare aiortc echo in a process of its own (half its
round trip is one WebRTC hop, which one direction of a platform call also crosses); "added"
latency is the platform's one-way minus that half.

Steps grow (BENCH_VOICE_CALLS, default 5,10,15,20,30,40,60) until more than 1 % of frames are
lost, the server's process or the load generator (this process, which plays every caller and
every agent) uses 90 % of a core, or the steps run out (BENCH_VOICE_ALL_STEPS=1: every step
is run all the same, to see the curve past the limit). `python -m bench voice --quick`: 2 and
4 calls, 5 s each. Targets (issue 16): >= 25 concurrent recorded calls per core and p99 added
latency <= 40 ms, the latency judged at the largest step whose floor kept up (a starved echo
is slower than the platform, and latency "added" against it comes out negative). Ends with one
line, `voice: key=value …` (../shared/CONTRACT.md).
"""

import asyncio
import itertools
import json
import logging
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

from bench import harness
from bench.harness import cpu_seconds
from bench.voice_lines import Agent, Caller, hearing, post_json, serve_echo

QUICK = bool(os.environ.get("BENCH_QUICK"))
CALLS = tuple(
    int(n)
    for n in os.environ.get("BENCH_VOICE_CALLS", "2,4" if QUICK else "5,10,15,20,30,40,60").split(
        ","
    )
)
SECONDS = float(os.environ.get("BENCH_VOICE_SECONDS", "5" if QUICK else "15"))
WARMUP = float(os.environ.get("BENCH_VOICE_WARMUP", "3"))
ALL_STEPS = bool(os.environ.get("BENCH_VOICE_ALL_STEPS"))
# "apart" (production, docs/deploy.md): the background loops in a worker process of their own;
# "inside": the embedded `serve` of `make run`, every loop a thread of the media's process.
WORKERS = os.environ.get("BENCH_VOICE_WORKERS", "apart")
LOST_LIMIT = 0.01
BUSY = 0.9  # of one core: a process past this is saturated
ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "AC" + "7" * 32
TOKEN = "voice-bench-auth-token"
NUMBER = "+15005550199"
_sids = itertools.count(1)


# -- Twilio's REST API, as far as bridging a call needs it ---------------------------------------


class TwilioApi:
    """The platform updates a call with <Connect><Stream> TwiML when its agent accepts: this
    keeps each call's latest TwiML and answers as Twilio does."""

    def __init__(self) -> None:
        self.twiml: dict[str, str] = {}
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                sid = self.path.rsplit("/", 1)[-1].removesuffix(".json")
                if "Twiml" in form:
                    api.twiml[sid] = form["Twiml"][0]
                body = json.dumps({"sid": sid, "account_sid": ACCOUNT, "status": "in-progress"})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def stream_of(twiml: str) -> tuple[str, dict[str, str]]:
    stream = ET.fromstring(twiml).find("Connect/Stream")
    if stream is None:
        raise RuntimeError(f"the TwiML connects no stream: {twiml}")
    return stream.get("url"), {p.get("name"): p.get("value") for p in stream.iter("Parameter")}


def signed(url: str, form: dict[str, str]) -> str:
    from twilio.request_validator import RequestValidator

    return RequestValidator(TOKEN).compute_signature(url, form)


# -- the center: a queue, a line, agents on the softphone --------------------------------------


def prepare_center(base: str, api: str, agents: int, tag: str) -> dict[int, str]:
    """The queue and the Twilio line (for this step's server), and `agents` new agents whose
    softphone is on; returns their session cookies by id."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore

    from channels_adapters.twilio.models import TwilioChannel
    from contactcenter.roles import AGENTS
    from routing import config, presence
    from routing.models import AgentCapacity, AgentProfile, EntryPoint, Queue

    queue, _ = Queue.objects.get_or_create(
        name="Voice bench", defaults={"channels": ["voice"], "offer_timeout_seconds": 120}
    )
    EntryPoint.objects.update_or_create(channel="voice", channel_key="*", defaults={"queue": queue})
    TwilioChannel.objects.update_or_create(
        phone_number=NUMBER,
        defaults={
            "name": "Voice bench",
            "account_sid": ACCOUNT,
            "auth_token": TOKEN,
            "voice_enabled": True,
            "public_url": base,
            "api_base_url": api,
        },
    )
    group = Group.objects.get_or_create(name=AGENTS)[0]
    cookies = {}
    for n in range(agents):
        user = User.objects.create_user(f"voicebench-{tag}-{n}")
        user.groups.add(group)
        profile = AgentProfile.objects.create(user=user, voice_endpoint=presence.SOFTPHONE)
        AgentCapacity.objects.create(agent=profile, channel="voice", capacity=1)
        profile.queues.set([queue])
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookies[user.pk] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    config.invalidate()
    for agent_id in cookies:
        presence.set_presence(agent_id, "available")
        presence.set_softphone(agent_id, True)
    return cookies


def retire_agents(agent_ids) -> None:
    """This step's agents leave, so the next step's calls go to its own."""
    from django.contrib.auth.models import User

    from routing import config

    User.objects.filter(pk__in=list(agent_ids)).delete()
    config.invalidate()


def call_form(call_sid: str, status: str) -> dict[str, str]:
    caller = f"+1555{int(call_sid[-7:], 16) % 10_000_000:07d}"
    return {
        "CallSid": call_sid,
        "AccountSid": ACCOUNT,
        "From": caller,
        "Caller": caller,
        "To": NUMBER,
        "Called": NUMBER,
        "CallStatus": status,
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }


def webhook(base: str, path: str, form: dict[str, str]) -> None:
    """A Twilio voice webhook, signed for the URL the platform knows itself by."""
    url = f"{base}{path}"
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"X-Twilio-Signature": signed(url, form)},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()


def put_through(base: str, api: TwilioApi, calls: int, timeout: float = 120) -> list[dict]:
    """Ring `calls` calls in and let the agents accept them: each call's stream URL, stream
    token, call sid, interaction and agent."""
    from channels_adapters.voice.models import Call
    from contactcenter.interactions.domain import DomainError
    from contactcenter.interactions.models import Interaction
    from routing import offers, router

    sids = [f"CA{uuid.uuid4().hex}" for _ in range(calls)]
    for sid in sids:
        webhook(base, "/hooks/twilio/voice/", call_form(sid, "ringing"))
    interaction_of = dict(Call.objects.filter(pk__in=sids).values_list("pk", "interaction_id"))
    if len(interaction_of) != calls:
        raise RuntimeError(f"{calls - len(interaction_of)} calls did not ring in")
    agent_of: dict[str, int] = {}
    deadline = time.monotonic() + timeout
    while len(agent_of) < calls:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(agent_of)} of {calls} calls were offered in time")
        router.route_once()
        waiting = set(interaction_of.values()) - set(agent_of)
        for row in Interaction.objects.filter(pk__in=waiting, state="offered"):
            try:
                offers.accept_offer(row.id, row.offer_id, row.offer_agent_id)
            except DomainError:  # the offer moved on meanwhile: the next one is taken
                continue
            agent_of[row.id] = row.offer_agent_id
        time.sleep(0.1)
    plans = []
    for sid in sids:
        if sid not in api.twiml:
            raise RuntimeError(f"the platform never connected call {sid} (no TwiML update)")
        url, parameters = stream_of(api.twiml[sid])
        interaction = interaction_of[sid]
        plans.append(
            {
                "sid": sid,
                "url": url,
                "parameters": parameters,
                "interaction": interaction,
                "agent": agent_of[interaction],
            }
        )
    return plans


# -- processes ----------------------------------------------------------------------------------


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Platform:
    server: subprocess.Popen
    base: str
    workers: subprocess.Popen | None  # None: the loops run inside the server (WORKERS)

    @property
    def processes(self) -> list[subprocess.Popen]:
        return [self.server] + ([self.workers] if self.workers else [])


def start_platform(url: str, media_root: str) -> Platform:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "PUBLIC_URL": base,
        "MEDIA_ROOT": media_root,
        "DATABASE_POOL": "1",  # as in production; the harness turns it off for itself
        "LOG_LEVEL": os.environ.get("BENCH_VOICE_LOG_LEVEL", "WARNING"),
    }
    (ROOT / "var").mkdir(exist_ok=True)
    log = (ROOT / "var" / "bench-voice-server.log").open("a")
    apart = WORKERS == "apart"
    serve = [sys.executable, "manage.py", "serve", "--port", str(port), "--smtp-port", "0"]
    server = subprocess.Popen(
        serve + (["--no-workers"] if apart else []),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    workers = None
    if apart:
        workers = subprocess.Popen(
            [sys.executable, "manage.py", "run_workers", "--name", "voice-bench"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    platform = Platform(server, base, workers)
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return platform
        except OSError:
            ended = any(p.poll() is not None for p in platform.processes)
            if ended or time.monotonic() > deadline:
                for process in platform.processes:
                    process.kill()
                raise RuntimeError("the server did not start: var/bench-voice-server.log") from None
            time.sleep(0.3)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# -- one step ------------------------------------------------------------------------------------


@dataclass
class Figures:
    calls: int
    lost: float  # share of the frames said in the window, both directions
    to_agent: list[float]  # one-way latencies, seconds
    to_caller: list[float]
    server_cores: float  # CPU time / wall time of the server process over the window
    idle_cores: float  # the same before any call: its background loops
    client_cores: float
    floor: list[float] | None = None  # one-way (half the echo's round trip), seconds
    floor_lost: float = 0.0
    floor_cores: float = 0.0
    workers_cores: float = 0.0  # the worker process's, over the window (WORKERS apart)
    workers_idle: float = 0.0

    @property
    def latencies(self) -> list[float]:
        return self.to_agent + self.to_caller


async def connected(agents: list[Agent], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while any(a.pc.connectionState != "connected" for a in agents):
        if time.monotonic() > deadline:
            states = [a.pc.connectionState for a in agents]
            raise RuntimeError(f"WebRTC did not connect: {states}")
        await asyncio.sleep(0.1)


def idle_cores(pids: list[int], seconds: float = 3.0) -> list[float]:
    """What each process uses with no call (background loops, wherever they run)."""
    time.sleep(1.0)  # the start's own work done
    before = [cpu_seconds(pid) for pid in pids]
    time.sleep(seconds)
    return [(cpu_seconds(pid) - cpu) / seconds for pid, cpu in zip(pids, before, strict=True)]


async def converse(base: str, plans: list[dict], cookies: dict[int, str], pids: list[int]):
    """The calls talk; CPU is read of each of `pids` (the server first) over the window."""
    callers = [Caller(p["url"], signed(p["url"], {}), p["sid"], ACCOUNT) for p in plans]
    await asyncio.gather(*(c.dial(p["parameters"]) for c, p in zip(callers, plans, strict=True)))
    agents = [Agent() for _ in plans]

    def answer_for(plan: dict):
        path = f"{base}/channels/voice/calls/{plan['interaction']}/softphone/"
        return lambda sdp: post_json(path, {"type": "offer", "sdp": sdp}, cookies[plan["agent"]])[
            "sdp"
        ]

    await asyncio.gather(*(a.connect(answer_for(p)) for a, p in zip(agents, plans, strict=True)))
    await connected(agents)
    until = time.perf_counter() + WARMUP + SECONDS + 1.5
    talking = [asyncio.ensure_future(c.talk(until)) for c in callers]
    await asyncio.sleep(WARMUP)
    began, cpu0, client0 = time.perf_counter(), [cpu_seconds(p) for p in pids], own_cpu_seconds()
    await asyncio.sleep(SECONDS)
    ended, cpu1, client1 = time.perf_counter(), [cpu_seconds(p) for p in pids], own_cpu_seconds()
    cores = [(after - before) / (ended - began) for before, after in zip(cpu0, cpu1, strict=True)]
    await asyncio.gather(*talking)
    window = (began, ended)
    to_agent = [hearing(c.ear, a.ear, window) for c, a in zip(callers, agents, strict=True)]
    to_caller = [hearing(a.ear, c.ear, window) for c, a in zip(callers, agents, strict=True)]
    for plan, agent in zip(plans, agents, strict=True):
        path = f"{base}/channels/voice/calls/{plan['interaction']}/softphone/"
        await asyncio.to_thread(post_json, path, {}, cookies[plan["agent"]], "DELETE")
        await agent.close()
    await asyncio.gather(*(c.hang_up() for c in callers))
    heard = to_agent + to_caller
    return Figures(
        calls=len(plans),
        lost=sum(h.lost for h in heard) / max(1, sum(h.expected for h in heard)),
        to_agent=[x for h in to_agent for x in h.latencies],
        to_caller=[x for h in to_caller for x in h.latencies],
        server_cores=cores[0],
        idle_cores=0.0,
        workers_cores=sum(cores[1:]),
        client_cores=(client1 - client0) / (ended - began),
    )


async def echo_floor(calls: int) -> tuple[list[float], float, float]:
    """`calls` aiortc peers against a bare aiortc echo in its own process: one-way latencies
    (half each round trip), the share of frames lost and the echo's cores."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    echo = context.Process(target=serve_echo, args=(theirs,), daemon=True)
    echo.start()
    agents = [Agent() for _ in range(calls)]

    def ask(sdp: str) -> str:
        ours.send(sdp)
        return ours.recv()

    try:
        for agent in agents:  # one after the other: one pipe, one offer on it at a time
            await agent.connect(ask)
        await connected(agents)
        await asyncio.sleep(WARMUP)
        began, cpu0 = time.perf_counter(), cpu_seconds(echo.pid)
        await asyncio.sleep(SECONDS)
        ended, cpu1 = time.perf_counter(), cpu_seconds(echo.pid)
        await asyncio.sleep(1.5)
        heard = [hearing(a.ear, a.ear, (began, ended)) for a in agents]
        for agent in agents:
            await agent.close()
    finally:
        ours.send(None)
        echo.join(15)
        if echo.is_alive():
            echo.kill()
    latencies = [x / 2 for h in heard for x in h.latencies]
    lost = sum(h.lost for h in heard) / max(1, sum(h.expected for h in heard))
    return latencies, lost, (cpu1 - cpu0) / (ended - began)


def measure(url: str, api: TwilioApi, calls: int, tag: str) -> Figures:
    with tempfile.TemporaryDirectory(prefix="voice-bench-") as media_root:
        platform = start_platform(url, media_root)
        base, pids = platform.base, [p.pid for p in platform.processes]
        cookies: dict[int, str] = {}
        try:
            cookies = prepare_center(base, api.url, calls, tag)
            idle = idle_cores(pids)
            plans = put_through(base, api, calls)
            figures = asyncio.run(converse(base, plans, cookies, pids))
            figures.idle_cores, figures.workers_idle = idle[0], sum(idle[1:])
            for plan in plans:
                webhook(base, "/hooks/twilio/voice/status/", call_form(plan["sid"], "completed"))
            deadline = time.monotonic() + 20
            while len(recordings := list(Path(media_root).rglob("*.wav"))) < calls:
                if time.monotonic() > deadline:
                    print(f"  only {len(recordings)} of {calls} calls left a recording")
                    break
                time.sleep(0.2)
        finally:
            for process in platform.processes:
                stop(process)
            retire_agents(cookies)
    figures.floor, figures.floor_lost, figures.floor_cores = asyncio.run(echo_floor(calls))
    return figures


# -- the report ----------------------------------------------------------------------------------


def ms(samples: list[float], q: float) -> float:
    return float(np.quantile(samples, q)) * 1000 if samples else float("nan")


def added(f: Figures, q: float) -> float:
    """The platform's one-way latency beyond the floor's, at quantile q, in ms."""
    return ms(f.latencies, q) - ms(f.floor, q)


def per_call(f: Figures) -> float:
    """Of a core, what one call costs the server (beyond its idle loops)."""
    return max(0.0, f.server_cores - f.idle_cores) / f.calls


def workers_per_call(f: Figures) -> float:
    """Of a core, what one call costs the worker process beside the server (its router,
    projections and outbox following the call's events), beyond its idle loops."""
    return max(0.0, f.workers_cores - f.workers_idle) / f.calls


def calls_per_core(f: Figures) -> int:
    """Calls one server process could carry with a whole core (less its idle loops)."""
    return int((1 - f.idle_cores) / per_call(f)) if per_call(f) > 0 else 0


def row(f: Figures) -> list:
    return [
        f.calls,
        f"{f.lost * 100:.2f}",
        f"{ms(f.to_agent, 0.5):.0f}/{ms(f.to_agent, 0.99):.0f}",
        f"{ms(f.to_caller, 0.5):.0f}/{ms(f.to_caller, 0.99):.0f}",
        f"{ms(f.floor, 0.5):.0f}/{ms(f.floor, 0.99):.0f}",
        f"{added(f, 0.5):.0f}/{added(f, 0.99):.0f}",
        f"{f.floor_lost * 100:.2f}",
        f"{f.server_cores * 100:.0f}",
        f"{per_call(f) * 100:.1f}",
        f"{calls_per_core(f)}",
        f"{workers_per_call(f) * 100:.1f}",
        f"{f.floor_cores / f.calls * 100:.1f}",
        f"{f.client_cores * 100:.0f}",
    ]


def limit_of(f: Figures) -> str:
    if f.lost > LOST_LIMIT:
        return "lost"
    if f.server_cores >= BUSY:
        return "server_cpu"
    if f.client_cores >= BUSY:
        return "generator_cpu"
    return ""


def floor_sound(f: Figures) -> bool:
    """A floor that is a reference: the echo lost at most 1 % of its frames and its process
    had the CPU it needed. A starved echo is slower than the platform (its legs cost more than
    a platform call), and "added" latency against it comes out negative: it says nothing."""
    return f.floor_lost <= LOST_LIMIT and f.floor_cores < BUSY


def summary(steps: list[Figures]) -> tuple[str, bool]:
    """The machine-readable line: calls and CPU from the largest step that lost at most 1 %
    of frames; latency from the largest such step whose floor was sound (`latency_calls`)."""
    good = [f for f in steps if f.lost <= LOST_LIMIT]
    best = good[-1] if good else steps[0]
    timed = [f for f in good if floor_sound(f)]
    timing = timed[-1] if timed else best
    p50 = ms(timing.latencies, 0.5)
    p99 = ms(timing.latencies, 0.99)
    added50, added99 = added(timing, 0.5), added(timing, 0.99)
    per_core = calls_per_core(best)
    limit = next((limit_of(f) for f in steps if limit_of(f)), "steps")
    line = (
        f"voice: calls={best.calls if good else 0} lost_pct={best.lost * 100:.2f} "
        f"p50_ms={p50:.1f} p99_ms={p99:.1f} floor_p50_ms={ms(timing.floor, 0.5):.1f} "
        f"floor_p99_ms={ms(timing.floor, 0.99):.1f} added_p50_ms={added50:.1f} "
        f"added_p99_ms={added99:.1f} cpu_pct_per_call={per_call(best) * 100:.2f} "
        f"calls_per_core={per_core} latency_calls={timing.calls if timed else 0} limit={limit}"
    )
    return line, bool(good) and per_core >= 25 and bool(timed) and added99 <= 40


def main() -> int:
    if WORKERS not in ("apart", "inside"):
        print(f"BENCH_VOICE_WORKERS is apart or inside, not {WORKERS!r}")
        return 2
    url = harness.prepare_database()
    if url is None:
        return 1
    for chatty in ("aioice", "aiortc"):  # a line per ICE check of every peer otherwise
        logging.getLogger(chatty).setLevel(logging.WARNING)
    print(f"machine: {harness.machine()}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"steps: {', '.join(map(str, CALLS))} calls; {WARMUP:g} s warm-up, {SECONDS:g} s each")
    loops = "a worker process apart" if WORKERS == "apart" else "threads of the server"
    print(f"background loops: {loops} (BENCH_VOICE_WORKERS={WORKERS})")
    api = TwilioApi()
    tag = uuid.uuid4().hex[:8]
    steps: list[Figures] = []
    for calls in CALLS:
        figures = measure(url, api, calls, f"{tag}-{calls}")
        steps.append(figures)
        print(
            f"  {calls} calls: {figures.lost * 100:.2f} % lost, one-way p50/p99 "
            f"{ms(figures.latencies, 0.5):.0f}/{ms(figures.latencies, 0.99):.0f} ms "
            f"(floor {ms(figures.floor, 0.5):.0f}/{ms(figures.floor, 0.99):.0f}), server "
            f"{figures.server_cores * 100:.0f} % of a core, generator "
            f"{figures.client_cores * 100:.0f} %",
            flush=True,
        )
        if limit_of(figures) and not ALL_STEPS:
            break
    api.server.shutdown()
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    print(
        harness.table(
            [
                "calls",
                "lost %",
                "to agent p50/p99",
                "to caller p50/p99",
                "floor p50/p99",
                "added p50/p99",
                "floor lost %",
                "server CPU %",
                "% per call",
                "calls/core",
                "workers % per call",
                "floor % per leg",
                "generator %",
            ],
            [row(f) for f in steps],
        )
    )
    line, ok = summary(steps)
    print()
    print(f"  {harness.verdict(ok)}  >= 25 recorded calls per core, p99 added latency <= 40 ms")
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
