"""Where a visitor's message spends its time on its way to the agent's socket (BENCH_TRACE=1).

With BENCH_TRACE=1, `python -m bench chat_latency` starts each Daphne through this module
(`python -m bench.chat_trace manage.py serve …`), which, before serving, wraps the functions a
visitor's message passes through (`installed`). Each wrapper notes when a timed message (its
text begins "message ") reached its step: a `step<TAB>text<TAB>seconds` line in
BENCH_TRACE_DIR/chat-<pid>.tsv. The clock is `time.perf_counter`, on Linux CLOCK_MONOTONIC:
one clock for every process of the machine, so the bench's own notes (when it sent each
message, when the agent's socket had it) line up with the servers'.

`timelines` joins the lines by message, `segments` gives each step's time from the step
before it, and `report` prints their p50 and p90 and how much of the median message the
step's p50 is (medians, so they add up to about the whole, not exactly): which of a message's
milliseconds are the database's round trips, which Python, which the hops a bare relay makes
too (bench/chat_relay.py). Nothing of this is in the platform's code: a
server started otherwise runs unwrapped, and the wrapping costs a line of a file per step.
"""

import functools
import itertools
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

TRACE = os.environ.get("BENCH_TRACE") == "1"
TIMED = "message "  # the bench's timed messages: "message <chat>.<k>" (chat_latency.py)

# The steps in the order a message passes them, each with what the time from the step before
# it is spent on. "sent" and "received" are the bench's own notes.
STEPS = [
    ("sent", ""),
    ("visitor's socket", "frame through the socket, Daphne, the consumer"),
    ("database thread", "handed to a database thread"),
    ("conversation read", "BEGIN, the conversation's one read"),
    ("event inserted", "decided and sealed; the event's INSERT"),
    ("projected", "the inline projections, in Python"),
    ("rows written", "the projections' rows: one statement"),
    ("committed", "COMMIT"),
    ("frames made", "the pushes' frames made"),
    # From the publish's start, not its end: Redis may hand the message to the agent's
    # process before it answers the publisher.
    ("agent's socket", "published to Redis; to the agent's process and consumer"),
    ("sent to the agent", "the frame sent on the agent's socket"),
    ("received", "to the bench's socket"),
]
NAMES = [name for name, _ in STEPS]


class Notes:
    """One process's notes, to a file of its own; a timed message's text on each database
    thread, for the steps that run there without it in their arguments."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._file = (directory / f"chat-{os.getpid()}.tsv").open("a", buffering=1)
        self._lock = threading.Lock()
        self.local = threading.local()

    def note(self, step: str, text: object) -> None:
        if isinstance(text, str) and text.startswith(TIMED):
            line = f"{step}\t{text}\t{time.perf_counter():.6f}\n"
            with self._lock:
                self._file.write(line)

    def on_thread(self, step: str) -> None:
        self.note(step, getattr(self.local, "text", None))

    def close(self) -> None:
        self._file.close()


@contextmanager
def installed(directory: Path) -> Iterator[Notes]:
    """Wrap the message's path to note its steps into `directory`; put back on the way out."""
    from channels_adapters.webchat import visitor
    from channels_adapters.webchat.consumers import VisitorConsumer
    from contactcenter import push
    from contactcenter.console.consumers import AgentConsumer
    from contactcenter.events import projections, store
    from contactcenter.interactions import ingest

    notes = Notes(directory)
    undo: list[Callable[[], None]] = []

    def replace(owner, name: str, make: Callable[[Callable], Callable]) -> None:
        original = getattr(owner, name)
        setattr(owner, name, functools.wraps(original)(make(original)))
        undo.append(lambda: setattr(owner, name, original))

    def on_message(original):
        async def wrapper(self, content):
            notes.note("visitor's socket", content.get("text"))
            return await original(self, content)

        return wrapper

    def send_message(original):
        def wrapper(visitor_, text, *args, **kwargs):
            notes.local.text = text
            notes.note("database thread", text)
            try:
                return original(visitor_, text, *args, **kwargs)
            finally:
                notes.local.text = None

        return wrapper

    def noted(before: str = "", after: str = ""):
        """A call on a database thread, noted as it starts (`before`) or ends (`after`)."""

        def make(original):
            def wrapper(*args, **kwargs):
                if before:
                    notes.on_thread(before)
                result = original(*args, **kwargs)
                if after:
                    notes.on_thread(after)
                return result

            return wrapper

        return make

    def push_frames(original):
        async def wrapper(self, message):
            texts = [
                frame["data"].get("text")
                for frame in message["frames"]
                if frame.get("event") == "MessageReceived"
            ]
            for text in texts:
                notes.note("agent's socket", text)
            await original(self, message)
            for text in texts:
                notes.note("sent to the agent", text)

        return wrapper

    def committed(recorded) -> None:
        notes.on_thread("committed")

    callbacks = store._after_commit
    try:  # what was wrapped before a step failed is put back too
        replace(VisitorConsumer, "on_message", on_message)
        replace(visitor, "send_message", send_message)
        replace(ingest, "_current_interaction", noted(after="conversation read"))
        replace(store, "_insert", noted(after="event inserted"))
        replace(projections.Rows, "flush", noted(before="projected", after="rows written"))
        replace(push, "send", noted(before="frames made"))
        replace(AgentConsumer, "push_frames", push_frames)
        # First of a commit's callbacks, one that notes it; put back by taking out only this
        # one, as a module imported meanwhile may have added its own.
        callbacks.insert(0, committed)
        undo.append(lambda: callbacks.remove(committed))
        yield notes
    finally:
        for step in reversed(undo):
            step()
        notes.close()


def read(directory: Path) -> list[tuple[str, str, float]]:
    """Every process's notes in `directory`: (step, text, seconds)."""
    lines = []
    for path in sorted(directory.glob("chat-*.tsv")):
        for line in path.read_text().splitlines():
            step, text, seconds = line.split("\t")
            lines.append((step, text, float(seconds)))
    return lines


def timelines(
    notes: Iterable[tuple[str, str, float]], messages: Iterable[tuple[str, float, float]]
) -> list[dict[str, float]]:
    """Each timed message the bench sent and its agent received (`messages`: text, sent,
    received), with every step noted for it: step -> seconds. A step noted twice (a command
    tried again, a frame pushed through two groups) counts at its first."""
    by_text: dict[str, dict[str, float]] = {}
    for step, text, seconds in notes:
        by_text.setdefault(text, {}).setdefault(step, seconds)
    complete = []
    for text, sent, received in messages:
        steps = {"sent": sent, **by_text.get(text, {}), "received": received}
        if all(name in steps for name in NAMES):
            complete.append(steps)
    return complete


def segments(lines: list[dict[str, float]]) -> dict[str, list[float]]:
    """For each step but the first, the milliseconds from the step before it, per message."""
    return {
        name: [(line[name] - line[before]) * 1000 for line in lines]
        for before, name in itertools.pairwise(NAMES)
    }


def report(lines: list[dict[str, float]], messages: int) -> str:
    """A table of where the median message's time goes."""
    from bench import harness

    if not lines:
        return f"  no message traced through every step, of {messages}"
    spans = segments(lines)
    total = statistics.median((line["received"] - line["sent"]) * 1000 for line in lines)
    rows = []
    for name, spent_on in STEPS[1:]:
        values = sorted(spans[name])
        p50, p90 = statistics.median(values), values[int(0.9 * (len(values) - 1))]
        rows.append([spent_on, f"{p50:.2f}", f"{p90:.2f}", f"{p50 / total:.0%}"])
    rows.append(["the message, sent to received", f"{total:.2f}", "", ""])
    table = harness.table(["to the next step", "p50 ms", "p90 ms", "share"], rows)
    return (
        f"  where a message's time goes ({len(lines)} of {messages} traced):\n{table}\n"
        f"  the slowest messages, step by step (ms):\n{slowest(lines)}"
    )


def slowest(lines: list[dict[str, float]], count: int = 4) -> str:
    """The `count` slowest messages' steps side by side: the tail is set by a step or two
    taking far longer than their median, and which ones tells where the p99 goes."""
    from bench import harness

    spans = segments(lines)
    order = sorted(range(len(lines)), key=lambda i: lines[i]["sent"] - lines[i]["received"])
    picked = order[:count]
    rows = [[spent_on] + [f"{spans[name][i]:.2f}" for i in picked] for name, spent_on in STEPS[1:]]
    rows.append(
        ["the message, sent to received"]
        + [f"{(lines[i]['received'] - lines[i]['sent']) * 1000:.2f}" for i in picked]
    )
    return harness.table(["to the next step"] + [f"#{n + 1}" for n in range(len(picked))], rows)


def main(argv: list[str]) -> None:
    """`python -m bench.chat_trace manage.py serve …`: the command, traced."""
    import django
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    django.setup()
    with installed(Path(os.environ["BENCH_TRACE_DIR"])):
        execute_from_command_line(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
