"""Followers read only below the oldest running transaction (docs/events.md), and on a
PostgreSQL server that other databases share, their transactions count too: a test that
follows the log first waits until everything committed is readable."""

import time

from django.db import connection

from contactcenter.events import store


def settle(timeout: float = 30.0) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT position FROM {store.TABLE} ORDER BY txid DESC, position DESC LIMIT 1"
        )
        row = cursor.fetchone()
    newest, deadline = (row[0] if row else 0), time.monotonic() + timeout
    while store.last_position() != newest and time.monotonic() < deadline:
        time.sleep(0.02)
