"""Waking long-polling feed readers when new events commit.

In this process, `store.on_committed` bumps a generation counter. Other processes' commits
arrive as PostgreSQL notifications on our own channel (`event_feed`), sent by an `on_append`
hook inside each appending transaction (PostgreSQL folds a transaction's identical
notifications into one and delivers it at commit); one listener thread per process, started
by the first long-poll, bumps the same counter.
"""

import logging
import threading

from django.conf import settings
from django.db import connection

from contactcenter.events import store

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "event_feed"

_changed = threading.Condition()
_generation = 0
_listener: threading.Thread | None = None


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


def notify_other_processes(events) -> None:
    if connection.vendor == "postgresql" and getattr(settings, "EVENT_FEED_NOTIFY", True):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [NOTIFY_CHANNEL])


def install() -> None:
    store.on_committed(bump)
    store.on_append(notify_other_processes)


def _ensure_listener() -> None:
    global _listener
    with _changed:
        if _listener is not None and _listener.is_alive():
            return
        _listener = threading.Thread(target=_listen, name="event-feed-listener", daemon=True)
        _listener.start()


def _listen() -> None:
    import time

    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    while True:
        try:
            with psycopg.connect(**params, autocommit=True) as listener:
                listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
                for _ in listener.notifies():
                    bump()
        except Exception:
            log.exception("event feed listener lost its connection; reconnecting")
            time.sleep(1.0)
