"""Profiles of the chat benchmark's server processes, and where their samples go.

With `python -m bench chat_latency --profile` (or BENCH_PROFILE=1), `py-spy record` is
attached to each Daphne process and to the router for each measured rate; it writes collapsed
stacks (`--format raw`: one `frame;frame;… count` line per distinct stack, outermost frame
first) to var/profiles/chat-<process>-<servers>x<rate>.txt. `--gil` keeps only the samples of
the thread holding the GIL: in a GIL-bound server those are its Python CPU time, without the
threads queued for the GIL (which would otherwise count as busy).

The summary is pure functions over those lines (tests/bench/test_chat_profile.py):
`by_phase` names the part of a chat each stack belongs to from the first of RULES that one of
its frames matches (the token view, a visitor's socket connecting, its message, an accept, a
push to a socket, a router round, …); `by_package` says which package the sampled instruction
was in (our code, Django, psycopg, redis, Channels, Daphne/Twisted/autobahn, asyncio, …).
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import harness

PROFILE = "--profile" in sys.argv or os.environ.get("BENCH_PROFILE") == "1"
ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "var" / "profiles"
PY_SPY = Path(sys.executable).parent / "py-spy"
# Samples a second: py-spy's own default is 100; a phase of a few milliseconds a chat needs
# more to be told apart (BENCH_PROFILE_RATE=1000 for a closer look, at more overhead).
RATE = os.environ.get("BENCH_PROFILE_RATE", "200")
OURS = ("contactcenter", "routing", "channels_adapters", "crm", "outbound", "wfm")

# (function's qualified name or "" for any, a piece of its file's path, phase): the first rule
# that matches any frame of a stack names the stack's phase, so the specific come first. The
# database work of a socket runs on a thread of its own (contactcenter/db_threads.py), whose
# stack starts at the command (send_message, accept, …), not at the consumer.
TOKEN = "token (POST /widget/session/, HTTP middleware)"
RULES = [
    ("load", "routing/config.py", "routing config reload (routing.config.load)"),
    ("session", "webchat/views.py", TOKEN),
    ("BodyLimit.__call__", "contactcenter/request_limits.py", TOKEN),
    ("send_message", "webchat/visitor.py", "visitor message: ingest"),
    ("VisitorConsumer.on_message", "webchat/consumers.py", "visitor message: ingest"),
    ("interaction_view", "console/state.py", "accept: the console's interaction view"),
    ("AgentConsumer.act.<locals>.as_actor", "console/consumers.py", "accept (agent action)"),
    ("AgentConsumer.on_accept", "console/consumers.py", "accept (agent action)"),
    ("opened", "webchat/visitor.py", "visitor connect"),
    ("welcome", "webchat/visitor.py", "visitor connect"),
    ("channel", "webchat/visitor.py", "visitor connect"),
    ("returned", "webchat/visitor.py", "visitor connect"),
    ("VisitorConsumer.connect", "webchat/consumers.py", "visitor connect"),
    ("left", "webchat/visitor.py", "visitor leave"),
    ("VisitorConsumer.disconnect", "webchat/consumers.py", "visitor leave"),
    ("VisitorConsumer.push_frames", "webchat/consumers.py", "push to visitor sockets"),
    ("VisitorConsumer.poll_position", "webchat/consumers.py", "visitor queue position poll"),
    ("AgentConsumer.push_frames", "console/consumers.py", "push to agent sockets"),
    ("snapshot", "console/state.py", "agent connect (console snapshot)"),
    ("AgentConsumer.connect", "console/consumers.py", "agent connect (console snapshot)"),
    ("AgentConsumer.disconnect", "console/consumers.py", "agent leave"),
    ("opened", "routing/consoles.py", "agent console lease (routing.consoles)"),
    ("assign_round", "routing/router.py", "router: assign round (match, offer)"),
    ("_assign", "routing/router.py", "router: assign round (match, offer)"),
    ("route_once", "routing/router.py", "router: round, other (timers, queue hours)"),
    ("", "contactcenter/workers/loop.py", "background loops (router idle, deliveries, …)"),
    ("_courier", "contactcenter/push.py", "publish to Redis (push courier)"),
    ("_notify_on_commit.<locals>.notify", "events/store.py", "push: frames for events"),
    ("JsonFramesConsumer.receive", "contactcenter/json_frames.py", "socket frames in (JSON)"),
    ("JsonFramesConsumer.dispatch", "contactcenter/json_frames.py", "socket frames in (JSON)"),
    ("websocket", "contactcenter/asgi.py", "socket middleware (contactcenter.asgi)"),
    ("command.<locals>.run", "contactcenter/commands.py", "other commands"),
]
# For stacks with none of our frames: the first of these packages found in it, innermost first.
FRAMEWORK = [
    ("channels_redis", "channel layer (channels_redis)"),
    ("redis", "channel layer (channels_redis)"),
    ("autobahn", "WebSocket framing (daphne, autobahn)"),
    ("daphne", "Daphne (HTTP, WebSocket, ASGI glue)"),
    ("channels", "Channels (consumers, routing, middleware)"),
    ("django", "Django (no frame of ours)"),
    ("psycopg", "database driver (psycopg)"),
    ("psycopg_pool", "database driver (psycopg)"),
    ("twisted", "event loops (twisted, asyncio)"),
    ("asyncio", "event loops (twisted, asyncio)"),
]
# Our frames under nearly everything, which say nothing about where the time goes.
# Frames every call of their kind passes through: ranked, they would top every table.
WRAPPERS = {
    "command.<locals>.run",
    "_one_call",  # each socket call's (db_threads.in_thread)
    "Loop.run",
    "Loop._round",
    "websocket",
}
# Frames at the root of a whole process's stacks, which name no part of a chat: every stack of
# a Daphne's event loop starts at manage.py, Django's command, `serve` and Daphne's server.
# Only what runs under the last of them says where the time went: the loop's, Twisted's,
# autobahn's, Redis's, or a rule's.
ENTRY_POINTS = {
    ("Command.handle", "management/commands/serve.py"),
    ("Server.run", "daphne/server.py"),
}
# A stack that ends at the loop's call of a callback: the callback is C (a task's step, a
# future's) and the coroutine it resumed was not read. py-spy --nonblocking reads a running
# process, and 1-11 % of a profile's samples came out so at 20 chats/s; `--native`, which
# stops the process for each sample, finds the consumers' coroutines there.
UNREAD = "asyncio callbacks (frames below not read)"
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>.*?)(?::\d+)?\)$")


def parse(lines: Iterable[str]) -> Iterator[tuple[list[tuple[str, str]], int]]:
    """Collapsed stacks -> ([(function, file), …] outermost first, samples)."""
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = []
        for text in stack.split(";"):
            match = FRAME.match(text)
            frames.append((match["function"], match["file"]) if match else (text, ""))
        yield frames, int(count)


def package(file: str, depth: int = 1) -> str:
    """The package of a file as py-spy names it, to `depth` levels ("django/db/utils.py" ->
    django, or django.db at depth 2); an absolute path is cut at its site-packages, its
    python3.x (the standard library) or one of our packages."""
    parts = file.replace("\\", "/").rsplit(":", 1)[0].split("/")
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            parts = parts[parts.index(marker) + 1 :]
    for n, part in enumerate(parts):
        if part in OURS:
            parts = parts[n:]
            break
        if part.startswith("python3") and n + 1 < len(parts):
            parts = parts[n + 1 :]
            break
    if not parts or not parts[0] or parts[0].startswith("<"):
        return "importlib" if "frozen" in file else file
    return ".".join(parts[:depth]).removesuffix(".py")


def phase(frames: list[tuple[str, str]]) -> str:
    for name, path, label in RULES:
        if any(path in file and (not name or function == name) for function, file in frames):
            return label
    entries = [
        n
        for n, (function, file) in enumerate(frames)
        if any(function == name and path in file for name, path in ENTRY_POINTS)
    ]
    inner = frames[entries[-1] + 1 :] if entries else frames  # what runs under the entry
    ours = [file for _, file in inner if package(file) in OURS]
    if ours:
        return f"other of ours ({ours[-1].rsplit(':', 1)[0]})"
    if frames and frames[-1][0] == "Handle._run" and frames[-1][1].endswith("asyncio/events.py"):
        return UNREAD
    packages = [package(file) for _, file in reversed(inner)]
    for name, label in FRAMEWORK:
        if name in packages:
            return label
    return "other"


def by_phase(lines: Iterable[str]) -> Counter:
    counts: Counter = Counter()
    for frames, samples in parse(lines):
        counts[phase(frames)] += samples
    return counts


def by_package(lines: Iterable[str], depth: int = 2) -> Counter:
    """Samples by the package of the innermost frame: where the instructions ran."""
    counts: Counter = Counter()
    for frames, samples in parse(lines):
        counts[package(frames[-1][1], depth) if frames else "other"] += samples
    return counts


def top_functions(lines: Iterable[str], n: int = 10) -> list[tuple[str, int]]:
    """Our functions by inclusive samples (each counted once per stack)."""
    counts: Counter = Counter()
    for frames, samples in parse(lines):
        seen = {
            f"{function} ({file})"
            for function, file in frames
            if package(file) in OURS and function not in WRAPPERS
        }
        for name in seen:
            counts[name] += samples
    return counts.most_common(n)


def shares(counts: Counter, n: int | None = None) -> list[tuple[str, int, float]]:
    total = sum(counts.values()) or 1
    return [(name, k, 100 * k / total) for name, k in counts.most_common(n)]


@contextmanager
def recording(processes: list[subprocess.Popen], names: list[str], tag: str):
    """py-spy on each process while the block runs; yields {name: profile path}, empty when
    profiling is off. The files are written when py-spy is stopped (SIGINT) at the end."""
    if not PROFILE:
        yield {}
        return
    PROFILES.mkdir(parents=True, exist_ok=True)
    paths = {name: PROFILES / f"chat-{name}-{tag}.txt" for name in names}
    spies = []
    for process, name in zip(processes, names, strict=True):
        log = (PROFILES / f"chat-{name}-{tag}.log").open("w")
        command = [str(PY_SPY), "record", "--pid", str(process.pid), "--rate", RATE]
        command += ["--format", "raw", "--output", str(paths[name]), "--nonblocking", "--gil"]
        spies.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 15
    for name in names:  # sampling starts once py-spy has found the interpreter
        log = PROFILES / f"chat-{name}-{tag}.log"
        while "Sampling" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    try:
        yield paths
    finally:
        harness.stop(spies, signal.SIGINT, timeout=30)  # SIGINT: py-spy writes its profile


def report(paths: dict[str, Path], cpu_ms_per_chat: float | None = None) -> str:
    """The tables the bench prints for one run's profiles: samples by phase (and, given the
    measured server CPU per chat, what that share is in ms per chat), by package, and our
    functions with the most inclusive samples."""
    from bench import harness

    lines = []
    for path in paths.values():
        if path.exists():
            lines += path.read_text().splitlines()
    if not lines:
        return "  (no profile was written: see var/profiles/*.log)"
    phases = shares(by_phase(lines))
    header = ["phase (all server processes)", "samples", "share"]
    rows = [[name, k, f"{pct:.1f}%"] for name, k, pct in phases]
    if cpu_ms_per_chat is not None:
        header.append("~ms/chat")
        for row, (_, _, pct) in zip(rows, phases, strict=True):
            row.append(f"{pct * cpu_ms_per_chat / 100:.1f}")
    out = [harness.table(header, rows), ""]
    packages = [[name, k, f"{pct:.1f}%"] for name, k, pct in shares(by_package(lines), 15)]
    out += [harness.table(["where the sample ran", "samples", "share"], packages), ""]
    total = sum(by_package(lines).values()) or 1
    top = [[name, k, f"{100 * k / total:.1f}%"] for name, k in top_functions(lines, 15)]
    out.append(harness.table(["our function (inclusive)", "samples", "share"], top))
    out.append(f"  profiles: {', '.join(os.path.relpath(p, ROOT) for p in paths.values())}")
    return "\n".join(out)
