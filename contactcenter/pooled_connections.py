"""The check a pooled PostgreSQL connection passes before a request gets it.

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


def check_on_checkout(conn: psycopg.Connection) -> None:
    """Raise (the pool then discards the connection and takes another) if `conn` is dead."""
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the connection is closed")
    poller = select.poll()
    poller.register(conn.pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        ConnectionPool.check_connection(conn)
