"""The simulators' virtual clock: a heap of timed happenings, popped in time order.

Nothing sleeps: time jumps from one happening to the next. The routing simulator and the
dialer's simulator (outbound/simulator.py) share it, so both read "now" the same way.
"""

import heapq
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday; the virtual clock's zero


class VirtualClock:
    def __init__(self, start: datetime = START):
        self.start = start
        self.now = 0.0  # seconds since `start`
        self._heap: list[tuple[float, int, str, Any]] = []
        self._sequence = itertools.count()  # ties leave in the order they were scheduled

    def at(self, seconds: float, kind: str, payload: Any = None) -> None:
        """Schedule `kind` at `seconds` after the start."""
        heapq.heappush(self._heap, (seconds, next(self._sequence), kind, payload))

    def pop(self, *, advance: bool = True) -> tuple[float, str, Any]:
        """The next happening; the clock moves to its time unless `advance` is False (the
        caller may drop it, e.g. an arrival past the horizon, and move `now` itself)."""
        seconds, _, kind, payload = heapq.heappop(self._heap)
        if advance:
            self.now = max(self.now, seconds)
        return seconds, kind, payload

    def peek(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def __bool__(self) -> bool:
        return bool(self._heap)

    def datetime(self, seconds: float | None = None) -> datetime:
        return self.start + timedelta(seconds=self.now if seconds is None else seconds)
