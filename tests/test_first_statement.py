"""A transaction's BEGIN goes to PostgreSQL with its first statement, in one round trip
(contactcenter/postgresql/first_statement.py), and nothing else about the transaction
changes. The round trips are counted by a proxy on 127.0.0.1 between the connection and
PostgreSQL: each time PostgreSQL answers after the client has sent, one trip."""

import contextlib
import socket
import threading
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.db.utils import ConnectionHandler
from psycopg.pq import TransactionStatus

from contactcenter import settings
from contactcenter.commands import repeatable_read
from contactcenter.postgresql import first_statement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


class Trips:
    """A TCP proxy to PostgreSQL counting each connection's turns answered, by the client's
    port: a pool may open and set up another connection meanwhile."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.counts: dict[int, int] = {}
        self._last: dict[int, str] = {}  # who sent last on each: "client" or "server"
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, (_, port) = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self._sockets += [client, server]
            for pair in ((client, server, "client"), (server, client, "server")):
                threading.Thread(target=self._pump, args=(*pair, port), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, side: str, port: int) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:  # closed: so is the other side
                _shut(sink)
                return
            with self._lock:
                if side == "server" and self._last.get(port) == "client":
                    self.counts[port] = self.counts.get(port, 0) + 1
                self._last[port] = side
            try:
                sink.sendall(data)
            except OSError:
                return

    def close(self) -> None:
        for sock in self._sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Closed for good: a shutdown first, so that the peer hears of it and a thread waiting
    to read from it wakes (a close alone does neither while that thread waits)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def trips() -> Iterator[Trips]:
    db = connection.settings_dict
    proxy = Trips(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    yield proxy
    proxy.close()


def connect(trips: Trips, kind=first_statement.Connection) -> psycopg.Connection:
    db = connection.settings_dict
    conn = kind.connect(
        host="127.0.0.1", port=trips.port, dbname=db["NAME"], user=db["USER"], autocommit=False
    )
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    return conn


def counted(trips: Trips, conn: psycopg.Connection, work) -> int:
    """The round trips `conn` made while `work` ran."""
    with socket.fromfd(conn.pgconn.socket, socket.AF_INET, socket.SOCK_STREAM) as own:
        port = own.getsockname()[1]
    before = trips.counts.get(port, 0)
    work()
    return trips.counts.get(port, 0) - before


def test_a_transactions_first_statement_carries_its_begin_in_one_trip(trips):
    def transaction_of(conn, cursor_class, statement="SELECT %s::int + 1"):
        def work():
            cursor = cursor_class(conn)
            assert cursor.execute(statement, [41]).fetchall() == [(42,)]
            conn.commit()

        return work

    with connect(trips, psycopg.Connection) as theirs:
        # psycopg's own: BEGIN, the statement, COMMIT.
        assert counted(trips, theirs, transaction_of(theirs, psycopg.Cursor)) == 3
    with connect(trips) as ours:
        assert counted(trips, ours, transaction_of(ours, first_statement.Cursor)) == 2
        raw = transaction_of(ours, first_statement.RawCursor, "SELECT $1::int + 1")
        assert counted(trips, ours, raw) == 2


def test_the_statement_runs_in_the_transaction_it_begins_at_its_isolation_level(trips):
    with connect(trips) as conn:
        conn.autocommit = True
        conn.execute("CREATE TEMPORARY TABLE kept (n int)")
        conn.autocommit = False
        cursor = first_statement.Cursor(conn)
        cursor.execute("INSERT INTO kept VALUES (%s) RETURNING pg_current_xact_id()::text", [1])
        [(begun,)] = cursor.fetchall()
        cursor.execute(
            "SELECT current_setting('transaction_isolation'), pg_current_xact_id()::text, %s", [1]
        )
        assert cursor.fetchall() == [("repeatable read", begun, 1)]
        conn.rollback()
        assert cursor.execute("SELECT count(*) FROM kept WHERE %s", [True]).fetchall() == [(0,)]
        conn.rollback()


def test_a_first_statement_refused_raises_its_own_error_and_fails_its_transaction(trips):
    with connect(trips) as conn:
        cursor = first_statement.Cursor(conn)
        with pytest.raises(psycopg.errors.DivisionByZero):
            cursor.execute("SELECT 1 / %s", [0])
        assert conn.info.transaction_status == TransactionStatus.INERROR
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            cursor.execute("SELECT %s::int", [1])
        conn.rollback()

        def work():
            assert cursor.execute("SELECT %s::int", [2]).fetchall() == [(2,)]
            conn.commit()

        assert counted(trips, conn, work) == 2


def test_statements_without_parameters_and_in_autocommit_go_as_before(trips):
    with connect(trips) as conn:
        cursor = first_statement.Cursor(conn)
        # Several statements in one string: only the simple protocol takes them.
        cursor.execute("SELECT 1; SELECT 2")
        assert cursor.fetchall() == [(1,)]
        assert cursor.nextset() and cursor.fetchall() == [(2,)]
        assert conn.info.transaction_status == TransactionStatus.INTRANS
        conn.rollback()
        conn.autocommit = True
        cursor.execute("SELECT %s::int", [3])
        assert conn.info.transaction_status == TransactionStatus.IDLE  # no BEGIN was sent


def test_a_prepared_statement_carries_its_begin_too(trips):
    with connect(trips) as conn:
        cursor = first_statement.Cursor(conn)
        for n in range(3):

            def work(n=n):
                assert cursor.execute("SELECT %s::int * 2", [n], prepare=True).fetchall() == [
                    (2 * n,)
                ]
                conn.commit()

            assert counted(trips, conn, work) == 2
        prepared = cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%* 2%"]
        ).fetchall()
        assert prepared == [(1,)]
        conn.rollback()


# Committed for real: the command's transaction is its own, not inside the test's.
@pytest.mark.django_db(transaction=True)
def test_with_the_setting_on_djangos_connections_and_cursors_carry_their_begin(trips, monkeypatch):
    """Through Django, as the settings make its connections with
    DATABASE_BEGIN_WITH_FIRST_STATEMENT on (off unless set): a command's transaction
    (REPEATABLE READ), its first statement with BEGIN, then COMMIT."""
    monkeypatch.delenv("DATABASE_BEGIN_WITH_FIRST_STATEMENT", raising=False)
    assert "connection_class" not in settings._database()["OPTIONS"]["pool"]
    monkeypatch.setenv("DATABASE_BEGIN_WITH_FIRST_STATEMENT", "1")
    pool = settings._database()["OPTIONS"]["pool"]
    assert pool["connection_class"] is first_statement.Connection
    options = connection.settings_dict["OPTIONS"]
    options = {**options, "pool": {**options["pool"], "connection_class": pool["connection_class"]}}
    proxied = ConnectionHandler(
        {
            "default": connection.settings_dict,
            "proxied": {**connection.settings_dict, "PORT": trips.port, "OPTIONS": options},
        }
    )["proxied"]
    connections["proxied"] = proxied  # what atomic(using=…) looks up
    try:
        proxied.ensure_connection()
        assert isinstance(proxied.connection, first_statement.Connection)

        def work():
            with transaction.atomic(using="proxied"):
                raw = proxied.connection
                raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                with proxied.cursor() as cursor:
                    cursor.execute("SELECT current_setting('transaction_isolation'), %s", [1])
                    assert cursor.fetchall() == [("repeatable read", 1)]

        assert counted(trips, proxied.connection, work) == 2
        with repeatable_read(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('transaction_isolation'), %s", [1])
            assert cursor.fetchall() == [("repeatable read", 1)]
    finally:
        del connections["proxied"]
        proxied.close()
        proxied.close_pool()
