"""Every SQL statement any thread of this process runs: the server's socket calls run on a
pool of threads, each with a connection of its own, which Django's CaptureQueriesContext (one
connection) would miss."""

import contextlib
from collections.abc import Iterator

from django.db.backends import utils as db_utils


@contextlib.contextmanager
def recorded() -> Iterator[list[str]]:
    run: list[str] = []
    original = db_utils.CursorWrapper._execute

    def execute(self, sql, params, *ignored):
        run.append(sql)
        return original(self, sql, params, *ignored)

    db_utils.CursorWrapper._execute = execute
    try:
        yield run
    finally:
        db_utils.CursorWrapper._execute = original
