"""A transaction's BEGIN sent with its first statement: one round trip to PostgreSQL, not two.

psycopg begins a transaction as its first statement is executed: it sends BEGIN, waits for
PostgreSQL's answer, then sends the statement and waits again. Every command of the platform
paid that round trip (contactcenter/commands.py): a visitor's message is five, BEGIN, the
conversation's read, the event's INSERT, the projections' rows and COMMIT, and on the 2-core
machine under load each one is a thread's wake-up that can wait a millisecond or more for a
busy core (docs/benchmarks.md, issue 18).

Here the first statement of a transaction is sent in libpq's pipeline mode, BEGIN queued
ahead of it and one Sync after both: PostgreSQL answers them together. Nothing else changes.
The statement runs inside the transaction, at the isolation level the connection asks for
(the BEGIN is psycopg's own, REPEATABLE READ for a command), and its error is raised from the
`execute` that sent it, as the same psycopg exception, leaving the transaction failed as
before. Statements after the first, everything run in autocommit, and a statement without
parameters (psycopg sends those by the simple protocol, where a string may hold several
statements; a pipeline takes one) go as they went.

The pool's connections are made of `Connection` where DATABASE_BEGIN_WITH_FIRST_STATEMENT is
set (contactcenter/settings.py), and only there. With PostgreSQL a network hop away (1 ms a
round trip) a message's median at 5 chats/s fell by 1 to 6 ms; on the same host as the
servers it gained nothing measurable, and the pipeline's setting up costs a little more
Python a transaction than the round trip it saves (docs/benchmarks.md, 2026-12-07, a sixth session).

psycopg syncs after a BEGIN it queues in a pipeline (`_start_query`), so that later
statements of a long pipeline see the transaction begun; a pipeline of one statement has no
later statements, and `Connection` skips that sync for it alone.
"""

from typing import Any

import psycopg
from psycopg.pq import TransactionStatus


class Connection(psycopg.Connection):
    """psycopg's connection, whose BEGIN can ride with the statement that needs it."""

    # Set by `BeginsWithItsStatement.execute` for its one-statement pipeline.
    _begin_rides = False

    def _start_query(self):
        if self._begin_rides and self._pipeline is not None:
            self._begin_rides = False
            # Queued, not sent: the pipeline's Sync sends it with the statement.
            yield from self._exec_command(self._get_tx_start_command())
            return
        yield from super()._start_query()


class BeginsWithItsStatement:
    """A cursor mixin: a statement that would begin a transaction carries its BEGIN, on a
    `Connection`; on any other connection the cursor is psycopg's as it was."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        conn = self._conn
        if (
            not params  # psycopg sends it by the simple protocol, which may hold several
            or not isinstance(conn, Connection)
            or conn._autocommit
            or conn._pipeline is not None
            or conn.pgconn.transaction_status != TransactionStatus.IDLE
        ):
            return super().execute(query, params, **kwargs)
        conn._begin_rides = True
        try:
            with conn.pipeline():
                super().execute(query, params, **kwargs)
        finally:
            conn._begin_rides = False
        return self


class Cursor(BeginsWithItsStatement, psycopg.Cursor):
    """psycopg's cursor (parameters bound by PostgreSQL), carrying a transaction's BEGIN."""


class RawCursor(BeginsWithItsStatement, psycopg.RawCursor):
    """psycopg's raw cursor ($1 placeholders), carrying a transaction's BEGIN."""
