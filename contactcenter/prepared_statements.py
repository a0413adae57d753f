"""Statements prepared once per connection, and what a schema change does to them.

psycopg prepares a statement a connection has run DATABASE_PREPARE_THRESHOLD times:
PostgreSQL then parses and plans it once, not at every run (issue 18). A prepared statement
outlives a migration that changes the type of a column it reads: PostgreSQL plans it again,
finds that its rows changed shape, and refuses it ("cached plan must not change result
type") at every run on that connection. Inside a transaction the refusal rolls it back,
and the ROLLBACK makes psycopg forget what it prepared, so the next transaction is planned
afresh: a command tries again (`is_stale_plan`, contactcenter/commands.py). Outside one
(autocommit: Django's reads outside `atomic`) nothing would, and a server started before
the migration would answer 500 to those reads until its pooled connections were replaced,
up to an hour later. So the cursor forgets the connection's prepared statements there, and
runs the statement once more.
"""

import functools
from typing import Any

STALE_PLAN = "cached plan must not change result type"


def is_stale_plan(error: BaseException | None) -> bool:
    """Whether PostgreSQL refused a statement prepared before a migration changed its rows."""
    return getattr(error, "sqlstate", None) == "0A000" and STALE_PLAN in str(error)


@functools.cache
def cursor_factory() -> type:
    """Django's server-side binding cursor, which recovers from a stale prepared statement
    outside a transaction, and sends a transaction's BEGIN with its first statement where
    the connection is made for it (DATABASE_BEGIN_WITH_FIRST_STATEMENT,
    contactcenter/postgresql/first_statement.py). Made on first use: Django's PostgreSQL
    backend is not imported where SQLite serves (commands.py imports this module)."""
    import psycopg
    from django.db.backends.postgresql.base import ServerBindingCursor

    from contactcenter.postgresql.first_statement import BeginsWithItsStatement

    class PreparedStatementsCursor(BeginsWithItsStatement, ServerBindingCursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            try:
                return super().execute(query, params, **kwargs)
            except psycopg.errors.FeatureNotSupported as error:
                if not self.connection.autocommit or not is_stale_plan(error):
                    raise
                # As psycopg's own rollback does: it forgets its list, and tells PostgreSQL
                # to forget the plans (DEALLOCATE ALL) before the next statement. No public
                # call does it; tests/test_prepared_statements.py would see it go.
                self.connection._prepared.clear()
                return super().execute(query, params, **kwargs)

    return PreparedStatementsCursor
