"""The database owner's connection (DATABASE_OWNER_URL), for what the application's own role
may not do: migrate, grant, and empty the event log in tests and benchmarks."""

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import dj_database_url
import psycopg
from django.conf import settings


def configured() -> bool:
    return bool(settings.DATABASE_OWNER_URL)


def conninfo(dbname: str | None = None) -> dict:
    """psycopg connection arguments for the owner, on `dbname` (the test database, say)."""
    parsed = dj_database_url.parse(settings.DATABASE_OWNER_URL)
    args = {
        "dbname": dbname or parsed["NAME"],
        "user": parsed["USER"],
        "password": parsed["PASSWORD"] or None,
        "host": parsed["HOST"] or None,
        "port": parsed["PORT"] or None,
    }
    return {k: v for k, v in args.items() if v is not None}


def execute(dbname: str, statements: Sequence[str]) -> None:
    """Run `statements` in one transaction as the owner."""
    with psycopg.connect(**conninfo(dbname)) as conn, conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


_KEYS = ("USER", "PASSWORD", "HOST", "PORT")
_app_credentials: dict[str, dict] = {}


@contextlib.contextmanager
def as_owner(connection: Any) -> Iterator[None]:
    """Django's `connection` logs in as the owner inside (migrate), and as the application's
    role again after."""
    if (
        not configured()
        or connection.vendor != "postgresql"
        or connection.alias in _app_credentials  # the owner's already
    ):
        yield
        return
    use_owner(connection)
    try:
        yield
    finally:
        use_app(connection)


def use_owner(connection: Any) -> None:
    """From now on `connection` logs in as the owner (the test suite: creating, migrating and
    dropping its database). No-op without DATABASE_OWNER_URL."""
    if configured() and connection.vendor == "postgresql":
        owner = dj_database_url.parse(settings.DATABASE_OWNER_URL)
        _app_credentials.setdefault(
            connection.alias, {key: connection.settings_dict.get(key) for key in _KEYS}
        )
        _reconnect(connection, {key: owner.get(key) for key in _KEYS})


def use_app(connection: Any) -> None:
    """From now on `connection` logs in as the application's role (DATABASE_URL) again."""
    if connection.alias in _app_credentials:
        _reconnect(connection, _app_credentials.pop(connection.alias))


def _reconnect(connection: Any, credentials: dict) -> None:
    connection.close()
    close_pool = getattr(connection, "close_pool", None)
    if close_pool is not None:
        close_pool()  # a pool keeps the credentials it was made with
    connection.settings_dict.update(credentials)


def app_role(connection: Any) -> str:
    """The role the application logs in as (DATABASE_URL's user)."""
    saved = _app_credentials.get(connection.alias)
    return (saved or settings.DATABASES[connection.alias])["USER"]


def truncate(connection: Any, tables: Sequence[str]) -> None:
    """Empty `tables` (the event log among them) as the owner: tests' and benchmarks' reset."""
    from django.db import transaction

    from contactcenter.privacy.database_roles import owner_flush_statements

    statements = owner_flush_statements([f"TRUNCATE {', '.join(tables)}"])
    if configured():
        execute(connection.settings_dict["NAME"], statements)
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
