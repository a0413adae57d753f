"""Which pooled PostgreSQL connection a request gets, and the check it passes first.

psycopg's pool hands out the connection that has waited longest (FIFO): a server's calls
went round all of its connections in turn, each one's backend cold (its catalog and plan
caches, its memory, the CPU caches of a process asleep since the last turn), and each one
meeting a statement only once in `DATABASE_POOL_SIZE` times, so slow to reach the prepare
threshold. `RecentFirstPool` hands out the connection returned last, as SQLAlchemy's
`pool_use_lifo` and node-postgres's pool do: a few connections do the work while the load
allows, and the rest wait at the other end, where the pool's `max_idle` closes them (psycopg
shrinks a pool from that end). At 20 chats a second PostgreSQL spent about 30 % less CPU a
chat (docs/benchmarks.md, issue 18).

psycopg's own check (`ConnectionPool.check_connection`) sends an empty query at every
checkout: a request never gets a connection that died with a database restart, but every
call of a socket's work paid a round trip more for it, and a chat makes a dozen such calls
(issue 18; on the 2-core machine a thread's wait and wake-up cost more CPU than the empty
query itself).

A connection that died says so on its socket: a backend ended by a restart, a `pg_terminate_
backend` or an idle timeout sends its FATAL message and closes, so the socket is readable.
An idle connection in the pool has nothing to read otherwise. So the socket is looked at
(a poll that does not wait), and only a connection with something to read gets psycopg's
round trip, which reads what is there and refuses the connection if it is dead. Not a new
blind spot: a peer that vanished without a word (a host powered off) leaves the socket
silent, and the empty query would have waited on it just the same.
"""

import select

import psycopg
from psycopg_pool import ConnectionPool


class RecentFirstPool(ConnectionPool):
    """psycopg's pool, handing out the connection it got back last (LIFO)."""

    def _get_ready_connection(self, timeout: float | None) -> psycopg.Connection | None:
        # Called under the pool's lock. psycopg takes from the left of its deque and puts
        # back on the right: the one put back last is turned round to the left for it, and
        # the rest keep their order, so the pool's own bookkeeping (the fewest connections
        # left unused, shrinking from the left) stays psycopg's. Held to psycopg_pool's
        # behaviour by tests/test_pooled_connections.py, should its insides change.
        self._pool.rotate(1)
        try:
            return super()._get_ready_connection(timeout)
        except BaseException:
            self._pool.rotate(-1)  # nothing was taken: as it was
            raise


def check_on_checkout(conn: psycopg.Connection) -> None:
    """Raise (the pool then discards the connection and takes another) if `conn` is dead;
    else hand it out at the database's own isolation level, whatever its last user set.
    psycopg keeps the setting on the connection and Django sets it only on a connection it
    makes, so a REPEATABLE READ not put back was the next user's (a test of READ COMMITTED's
    behaviour failed now and then). Here, not in the pool's `reset`: psycopg returns a
    connection through a worker thread where there is one, a thread's wake-up a call."""
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the connection is closed")
    poller = select.poll()
    poller.register(conn.pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        ConnectionPool.check_connection(conn)
    if conn.isolation_level is not None:
        conn.isolation_level = None
