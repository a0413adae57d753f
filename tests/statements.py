"""Every SQL statement any thread of this process runs: the server's socket calls run on a
pool of threads, each with a connection of its own, which Django's CaptureQueriesContext (one
connection) would miss; and on PostgreSQL the event store and a few hot writes use psycopg
cursors of their own (server-side binding), which no Django cursor sees. So on PostgreSQL
psycopg's own cursors are recorded, on SQLite Django's."""

import contextlib
from collections.abc import Iterator

import psycopg
from django.db.backends import utils as db_utils


@contextlib.contextmanager
def recorded() -> Iterator[list[str]]:
    run: list[str] = []
    wrapper_execute = db_utils.CursorWrapper._execute
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany
    copy = psycopg.Cursor.copy

    def django_execute(self, sql, params, *ignored):
        if self.db.vendor != "postgresql":  # psycopg's cursor records it there
            run.append(sql)
        return wrapper_execute(self, sql, params, *ignored)

    def psycopg_execute(self, query, *args, **kwargs):
        run.append(query if isinstance(query, str) else str(query))
        return execute(self, query, *args, **kwargs)

    def psycopg_executemany(self, query, *args, **kwargs):
        run.append(query if isinstance(query, str) else str(query))
        return executemany(self, query, *args, **kwargs)

    def psycopg_copy(self, statement, *args, **kwargs):  # a COPY is a statement too
        run.append(statement if isinstance(statement, str) else str(statement))
        return copy(self, statement, *args, **kwargs)

    db_utils.CursorWrapper._execute = django_execute
    psycopg.Cursor.execute, psycopg.Cursor.executemany = psycopg_execute, psycopg_executemany
    psycopg.Cursor.copy = psycopg_copy
    try:
        yield run
    finally:
        db_utils.CursorWrapper._execute = wrapper_execute
        psycopg.Cursor.execute, psycopg.Cursor.executemany = execute, executemany
        psycopg.Cursor.copy = copy


def of_the_work(run: list[str]) -> list[str]:
    """`run` less what a connection the pool opened meanwhile ran to set itself up (its time
    zone): the pool's, not the work's; under the whole suite's load it falls inside a count."""
    return [sql for sql in run if not sql.startswith("SELECT set_config('TimeZone'")]
