"""Hearing other processes' commits on PostgreSQL: one LISTEN loop for every listener.

A thread of its own holds a connection outside the pool, LISTENs on some channels and calls
`heard()` for each notification; it reconnects after a database restart (calling `heard()`
once on reconnecting: what was committed while it was away must not wait for the next
notification) and ends when `stopping()` says so. The router wakes on it; event-feed long
polls do too. On SQLite there is no one else to hear.
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence

from django.db import connection

log = logging.getLogger(__name__)


def listen(
    channels: Sequence[str],
    heard: Callable[[], None],
    stopping: Callable[[], bool],
    *,
    name: str,
) -> threading.Thread | None:
    if connection.vendor != "postgresql":
        return None
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)

    def run() -> None:
        import psycopg

        while not stopping():
            try:
                with psycopg.connect(**params, autocommit=True, connect_timeout=5) as listener:
                    for channel in channels:
                        listener.execute(f"LISTEN {channel}")
                    heard()
                    while not stopping():
                        for _ in listener.notifies(timeout=1.0, stop_after=1):
                            heard()
            except Exception as error:
                log.warning("%s lost its connection (%s); reconnecting", name, error)
                time.sleep(1.0)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
