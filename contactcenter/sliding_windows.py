"""How many attempts a visitor or an address made lately: a sliding window of their times, for
the widget's limits (chat messages, transcript mails, files, web calls). Each server process
keeps its own windows, so a limit per IP address is per process; a visitor's socket or call
lands on one process at a time, which is where the attempts are counted."""

from collections import defaultdict, deque


def allow(window: deque, limit: int, now: float, seconds: float = 60) -> float:
    """Sliding window (a minute unless told): 0 if allowed (and counted), else seconds to
    wait."""
    while window and now - window[0] > seconds:
        window.popleft()
    if len(window) >= limit:
        return round(seconds - (now - window[0]), 1)
    window.append(now)
    return 0.0


class Windows:
    """One sliding window per key (a visitor, an IP address), `seconds` long."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._by_key: dict[object, deque] = defaultdict(deque)

    def allow(self, key: object, limit: int, now: float) -> float:
        """0 if `key` may make one more attempt now (it is counted), else seconds to wait."""
        return allow(self._by_key[key], limit, now, self.seconds)

    def clear(self) -> None:
        self._by_key.clear()
