"""`Loop`: a background thread that calls one step function round after round.

A loop must outlive anything a round can throw at it — a database restart, a Redis hiccup, a
bug in one event's handler — because a dead router thread in a live process means no offers,
timers or overflows until someone notices. So everything a round does (the step *and* working
out how long to wait) runs inside the error handler; a failing round backs off with jitter,
drops its database connection, and says so in the log and in `health()`, which `/healthz`,
the heartbeat and the process's watchdog read (contactcenter/workers/supervision.py).
"""

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from contactcenter.events import store
from contactcenter.outage import is_transient

# Jitter from a generator of its own: a background thread drawing from the `random` module
# changes what a seeded run (a test, a simulation) draws meanwhile.
_jitter = random.Random()

log = logging.getLogger(__name__)

# Pauses between failing rounds: doubling from the first to the longest, with jitter so the
# loops of many processes do not all knock on a recovering database at the same instant.
FIRST_BACKOFF_SECONDS = 0.25
LONGEST_BACKOFF_SECONDS = 2.0
# While a loop keeps failing, a reminder in the log this often (not one line per round).
REMIND_EVERY_SECONDS = 30.0


@dataclass(frozen=True)
class Health:
    """One loop's health as `/healthz` and the heartbeat show it."""

    name: str
    alive: bool
    started_at: datetime
    last_success_at: datetime | None
    rounds: int
    failures: int  # consecutive failed rounds; 0 while it works
    failing_for: float  # seconds since the first of those failures (0 while it works)
    busy_for: float  # seconds the round in progress has taken so far (0 between rounds)
    last_error: str

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "alive": self.alive,
            "started_at": self.started_at.isoformat(),
            "last_success_at": self.last_success_at.isoformat() if self.last_success_at else None,
            "rounds": self.rounds,
            "failures": self.failures,
            "failing_for": round(self.failing_for, 1),
            "busy_for": round(self.busy_for, 1),
            "last_error": self.last_error,
        }


class Loop(threading.Thread):
    """Calls `step()` until stopped; waits `idle` seconds (or until woken) after a round that
    did nothing. `idle` may be a function (the router asks the database when its next timer
    is due); it runs inside the error handler like the step.

    A round that did something is followed by another at once, for a step that does a batch
    at a time; a step that goes on by itself until its work is done (the router) says
    `again_at_once=False`, and waits after every round.

    A loop woken by commits takes a burst of them in one round: woken less than `gather`
    seconds after its last round began, it waits out the rest first. A round costs the same
    whether it finds one piece of work or ten (the router's claim of every agent who could
    take it, a read of the log), and at twenty arrivals a second the router ran twenty
    rounds of one offer each (issue 18). A wake-up after a quiet spell is served at once."""

    def __init__(
        self,
        name: str,
        step: Callable[[], int],
        idle: float | Callable[[], float] = 1.0,
        *,
        again_at_once: bool = True,
        gather: float = 0.0,
    ):
        super().__init__(name=name, daemon=True)
        self.step = step
        self._idle = idle
        self.again_at_once = again_at_once
        self.gather = gather
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._started_at = timezone.now()
        self._last_success_at: datetime | None = None
        self._rounds = 0
        self._failures = 0
        self._failing_since = 0.0  # monotonic
        self._round_started = 0.0  # monotonic; 0 between rounds
        self._last_round_started = 0.0  # monotonic
        self._last_error = ""
        self._reminded_at = 0.0
        # /healthz reads the state from another thread: a report is all before or all after
        # a round's outcome (never a last success beside three failures in a row).
        self._state = threading.Lock()

    @property
    def idle(self) -> float:
        return self._idle() if callable(self._idle) else self._idle

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def run(self) -> None:
        log.info("%s started", self.name)
        while not self._stopping.is_set():
            pause = self._round()
            if pause > 0:
                self._wake.wait(pause)
                self._gathering()
                # Cleared only now: what was committed while gathering, this round takes.
                self._wake.clear()
        with contextlib.suppress(Exception):
            connection.close()
        log.info("%s stopped", self.name)

    def _gathering(self) -> None:
        rest = self._last_round_started + self.gather - time.monotonic()
        if rest > 0:
            self._stopping.wait(rest)

    def _round(self) -> float:
        """One round; returns how long to wait before the next."""
        started = self._round_started = self._last_round_started = time.monotonic()
        try:
            close_old_connections()
            done = self.step()
            pause = 0.0 if done and self.again_at_once else max(0.0, self.idle)
        except Exception as error:
            return self._failed(error, started)
        finally:
            self._round_started = 0.0
            self._rounds += 1
        self._succeeded()
        return pause

    def _succeeded(self) -> None:
        with self._state:
            failures, failing_since = self._failures, self._failing_since
            self._last_success_at = timezone.now()
            self._failures = 0
            self._last_error = ""
        if failures:
            log.warning(
                "%s recovered after %d failed rounds (%.1f s)",
                self.name,
                failures,
                time.monotonic() - failing_since,
            )

    def _failed(self, error: Exception, started: float) -> float:
        now = time.monotonic()
        with self._state:
            self._failures += 1
            self._last_error = f"{type(error).__name__}: {error}"[:500]
            first = self._failures == 1
            if first:
                # From the start of the round: waiting 10 s for a connection that never came
                # is 10 s of failing.
                self._failing_since = started
        if first:
            self._reminded_at = now
            if is_transient(error):  # an outage is not a bug: one line, no traceback
                log.warning("%s: %s; retrying with backoff", self.name, self._last_error)
            else:
                log.exception("%s: a round failed; retrying with backoff", self.name)
        elif now - self._reminded_at >= REMIND_EVERY_SECONDS:
            self._reminded_at = now
            log.error(
                "%s: still failing after %d rounds (%.0f s): %s",
                self.name,
                self._failures,
                now - self._failing_since,
                self._last_error,
            )
        # A connection that broke mid-round is useless; the next round opens a fresh one.
        with contextlib.suppress(Exception):
            connection.close()
        cap = min(LONGEST_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** (self._failures - 1))
        return _jitter.uniform(cap / 2, cap)

    def health(self) -> Health:
        now = time.monotonic()
        with self._state:
            return Health(
                name=self.name,
                alive=self.is_alive(),
                started_at=self._started_at,
                last_success_at=self._last_success_at,
                rounds=self._rounds,
                failures=self._failures,
                failing_for=now - self._failing_since if self._failures else 0.0,
                busy_for=now - self._round_started if self._round_started else 0.0,
                last_error=self._last_error,
            )


def woken_by_commits(
    loop: Loop,
    types: Collection[str] | None = None,
    *,
    only_while: Callable[[], bool] | None = None,
) -> Loop:
    """`loop`, woken when this process commits events (of `types`, if given; and only while
    `only_while()` says there is something to do for them), and gathering its wake-ups: a
    round at most every WAKE_GATHER_SECONDS while commits keep coming."""
    loop.gather = settings.WAKE_GATHER_SECONDS

    def wake(events: list[store.RecordedEvent]) -> None:
        if only_while is not None and not only_while():
            return
        if types is None or any(e.type in types for e in events):
            loop.wake()

    store.on_committed(wake)
    return loop
