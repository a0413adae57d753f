"""The pool hands out the connection it got back last, and a pooled connection is checked on
checkout without a round trip, unless its socket says something happened to it; it goes out
at the database's isolation level (contactcenter/pooled_connections.py)."""

import select
import time

import psycopg
import pytest
from django.db import connection
from psycopg_pool import PoolTimeout

from contactcenter.pooled_connections import RecentFirstPool, check_on_checkout

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def connect(**options) -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, **options)


def last_statement_of(pid: int) -> str:
    with connect(autocommit=True) as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return row[0]


def until_readable(conn: psycopg.Connection) -> None:
    """Wait (up to 10 s) until the server has written something to `conn`'s socket."""
    poller = select.poll()
    poller.register(conn.pgconn.socket, select.POLLIN)
    assert poller.poll(10_000), "nothing reached the socket"


def test_the_pool_hands_out_the_connection_it_got_back_last():
    """psycopg's own pool handed out the one that had waited longest: a server's calls went
    round every connection in turn, every backend cold (issue 18)."""
    pool = connection.pool
    assert isinstance(pool, RecentFirstPool)
    first, second = pool.getconn(), pool.getconn()
    pool.putconn(first)
    pool.putconn(second)

    again = pool.getconn()
    then = pool.getconn()

    assert again is second
    assert then is first
    pool.putconn(then)
    pool.putconn(again)


def test_a_connection_goes_out_of_the_pool_at_the_databases_isolation_level():
    """A user that set REPEATABLE READ and did not put it back left it to the next user of
    the connection: a test of READ COMMITTED's behaviour failed now and then."""
    pool = connection.pool
    taken = pool.getconn()
    taken.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    pool.putconn(taken)

    again = pool.getconn()
    try:
        assert again is taken  # the one put back last
        assert again.isolation_level is None
        with again.transaction():
            level = again.execute("SHOW transaction_isolation").fetchone()[0]
        assert level == "read committed"
    finally:
        pool.putconn(again)


def test_a_take_the_pool_refuses_leaves_its_order_as_it_was():
    pool = connection.pool
    first, second = pool.getconn(), pool.getconn()
    pool.putconn(first)
    pool.putconn(second)
    before = list(pool._pool)

    with pool._lock, pytest.raises(PoolTimeout):
        pool._get_ready_connection(0.0)  # as getconn's wait when its time is up

    assert list(pool._pool) == before
    assert pool.getconn() is second
    pool.putconn(second)


def test_a_live_idle_connection_passes_without_a_round_trip():
    """The empty query psycopg's own check sends was a round trip at every socket's call."""
    with connect(autocommit=True) as conn:
        conn.execute("SELECT 'the last thing this connection was asked'")

        check_on_checkout(conn)

        assert last_statement_of(conn.info.backend_pid) == (
            "SELECT 'the last thing this connection was asked'"
        )


def test_a_connection_whose_backend_was_ended_is_refused():
    """As a database restart ends every backend: the pool must not hand the connection out."""
    with connect(autocommit=True) as conn, connect(autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [conn.info.backend_pid])
        deadline = time.monotonic() + 10
        while last_backend_alive(admin, conn.info.backend_pid):
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.02)

        with pytest.raises(psycopg.OperationalError):
            check_on_checkout(conn)


def last_backend_alive(admin: psycopg.Connection, pid: int) -> bool:
    return bool(admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone())


def test_a_closed_connection_is_refused():
    conn = connect(autocommit=True)
    conn.close()

    with pytest.raises(psycopg.OperationalError):
        check_on_checkout(conn)


def test_a_connection_with_something_to_read_gets_the_round_trip_and_passes_if_alive():
    """A notification waiting on the socket is not a death: the empty query reads it."""
    with connect(autocommit=True) as conn, connect(autocommit=True) as other:
        conn.execute("LISTEN pooled_connection_check")
        other.execute("NOTIFY pooled_connection_check")
        until_readable(conn)

        check_on_checkout(conn)

        assert last_statement_of(conn.info.backend_pid) == ""
