"""Waking long-polling feed readers when new events commit.

In this process, `store.on_committed` bumps a generation counter. Other processes' commits
arrive as PostgreSQL notifications, heard by one listener thread per process (started by the
first long-poll), which bumps the same counter:
- on the router's channel (`routing`), which routing already notifies for the events that
  move interactions and agents, so hearing it costs nothing more;
- on our own channel (`event_feed`), notified at the commit of every append (its INSERT asks
  for it: `store.notify_at_commit`) when EVENT_FEED_NOTIFY is on. Off by default: a NOTIFY
  takes a database-wide lock held through commit, which would queue every writer behind every
  other (the lock-per-append design docs/events.md rejects); readers instead re-check every
  second (views/feed.py).
"""

import logging
import threading

from django.conf import settings
from django.db import connection

from contactcenter.events import store
from contactcenter.events.listen import listen

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "event_feed"
LISTEN_TO = (NOTIFY_CHANNEL, "routing")

_changed = threading.Condition()
_generation = 0
_listener: threading.Thread | None = None
_stopping = threading.Event()


def generation() -> int:
    return _generation


def bump(events=None) -> None:
    global _generation
    with _changed:
        _generation += 1
        _changed.notify_all()


def wait(seen: int, timeout: float) -> bool:
    """Until something committed after generation `seen`, at most `timeout` seconds."""
    if connection.vendor == "postgresql":
        _ensure_listener()
    with _changed:
        return _changed.wait_for(lambda: _generation != seen, timeout=timeout)


def install() -> None:
    store.on_committed(bump)
    store.notify_at_commit(
        NOTIFY_CHANNEL, lambda types: getattr(settings, "EVENT_FEED_NOTIFY", False)
    )


def _ensure_listener() -> None:
    global _listener
    with _changed:
        if _listener is not None and _listener.is_alive():
            return
        _stopping.clear()
        _listener = listen(LISTEN_TO, bump, _stopping.is_set, name="event-feed-listener")


def stop_listening() -> None:
    """End the listener thread (and its connection): for tests and orderly shutdowns."""
    _stopping.set()
    if _listener is not None:
        _listener.join(timeout=5)
