"""A circuit breaker for a business system the flows ask (a lookup step's endpoint). Pure:
the caller passes the time.

Closed, it lets every call through and counts failures in a row; at `threshold` it opens.
Open, it refuses at once for `open_seconds` — a customer in a flow hears the fallback now,
not after a timeout and its retries, while the system is down. Then it lets one trial call
through (half-open): a success closes it, a failure opens it again for another period.
"""

from dataclasses import dataclass
from enum import StrEnum


class Circuit(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    threshold: int = 5  # failures in a row that open it
    open_seconds: float = 30.0
    failures: int = 0
    opened_at: float | None = None
    trial_out: bool = False  # half-open: the one trial call has been let through

    def state(self, now: float) -> Circuit:
        if self.opened_at is None:
            return Circuit.CLOSED
        if now - self.opened_at < self.open_seconds:
            return Circuit.OPEN
        return Circuit.HALF_OPEN

    def allows(self, now: float) -> bool:
        """May a call go out now? (Half-open: only the first caller's, until it reports.)"""
        match self.state(now):
            case Circuit.CLOSED:
                return True
            case Circuit.OPEN:
                return False
            case Circuit.HALF_OPEN:
                if self.trial_out:
                    return False
                self.trial_out = True
                return True

    def succeeded(self) -> None:
        self.failures, self.opened_at, self.trial_out = 0, None, False

    def failed(self, now: float) -> None:
        self.failures += 1
        self.trial_out = False
        if self.opened_at is not None or self.failures >= self.threshold:
            self.opened_at = now  # opens, or a failed trial opens it for another period
