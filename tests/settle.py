"""Followers read only below the oldest running transaction (docs/events.md), and on a
PostgreSQL server that other databases share, their transactions count too: a test that
follows the log first waits until everything committed is readable."""

import time

from django.db import connection

from contactcenter import outbox
from contactcenter.events import store


class Unsettled(AssertionError):
    """The log's newest event stayed above the followers' horizon: a transaction of this
    database held it back. Failing here names it; going on would fail later, puzzlingly."""


def settle(timeout: float = 30.0) -> None:
    """Wait until the newest event committed now is one a follower can read."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT position FROM {store.TABLE} ORDER BY txid DESC, position DESC LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        return
    # Readable is "below the horizon", not "the last readable event": events written after
    # this look (a listener's thread, a loop) may come later in log order and still be fine.
    deadline = time.monotonic() + timeout
    while not _readable(row[0]):
        if time.monotonic() > deadline:
            raise Unsettled(f"after {timeout} s the log is held back by {_holders()}")
        time.sleep(0.02)


def outbox_round() -> int:
    """The outbox's round (`outbox.run_once`) once what was committed is readable by its
    follower: run at once, another test worker's transaction could hide a message just sent
    from it, and the test found nothing delivered."""
    settle()
    return outbox.run_once()


def _readable(position: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {store.TABLE} WHERE position = %s AND txid < {store.HORIZON}",
            [position],
        )
        return cursor.fetchone() is not None


def _holders() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_xid::text, now() - xact_start, "
            "left(query, 200) FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_xid IS NOT NULL "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchall()
