"""The help page and the widget's search are public and each recorded step is an event: one
address may record at most KNOWLEDGE_HELP_EVENTS_PER_IP_PER_MINUTE of them (in this process;
searching and reading go on unrecorded past it); one visit records at most
`commands.MAX_PER_VISIT`."""

import threading
import time
from collections import defaultdict, deque

from django.conf import settings

WINDOW_SECONDS = 60.0
_lock = threading.Lock()
_seen: dict[str, deque] = defaultdict(deque)


def allow(address: str, now: float | None = None) -> bool:
    """Whether `address` may record one more help event now (and count it if so)."""
    now = time.monotonic() if now is None else now
    limit = settings.KNOWLEDGE_HELP_EVENTS_PER_IP_PER_MINUTE
    with _lock:
        recent = _seen[address]
        while recent and recent[0] <= now - WINDOW_SECONDS:
            recent.popleft()
        if len(recent) >= limit:
            return False
        recent.append(now)
        if len(_seen) > 10_000:  # forget quiet addresses rather than grow without bound
            for quiet in [a for a, q in _seen.items() if not q]:
                del _seen[quiet]
        return True


def reset() -> None:
    with _lock:
        _seen.clear()
