"""Least privilege: the event log refuses TRUNCATE even to its owner, and the application's
role may only INSERT and SELECT on it — `check_database_roles` says so or exits non-zero."""

import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from contactcenter.privacy import database_roles, owner_connection

pytestmark = pytest.mark.django_db


def owner_conninfo() -> dict:
    params = connection.get_connection_params()
    if owner_connection.configured():
        return owner_connection.conninfo(connection.settings_dict["NAME"])
    return {k: params[k] for k in ("dbname", "user", "host", "port") if params.get(k)}


@pytest.fixture
def app_role():
    """A login role granted as docs/deploy.md says, dropped after."""
    name = f"cc_app_{uuid.uuid4().hex[:10]}"
    owner = owner_conninfo()
    with psycopg.connect(**owner, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN")
        with conn.transaction():
            owner_role = conn.execute(
                "SELECT tableowner FROM pg_tables WHERE tablename = 'event_log'"
            ).fetchone()[0]
            for statement in database_roles.grant_statements(name, owner_role):
                conn.execute(statement)
    yield {**owner, "user": name}
    with psycopg.connect(**owner, autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {name}")
        conn.execute(f"DROP ROLE {name}")


@pytest.mark.postgres
def test_the_log_refuses_truncate_even_to_its_owner():
    with (
        psycopg.connect(**owner_conninfo()) as conn,
        pytest.raises(psycopg.errors.RestrictViolation, match="TRUNCATE refused"),
    ):
        conn.execute("TRUNCATE event_log")


@pytest.mark.postgres
def test_the_application_role_may_only_insert_and_select(app_role):
    with psycopg.connect(**app_role) as conn:
        with conn.cursor() as cursor:
            assert database_roles.problems(cursor) == []
            cursor.execute(
                "INSERT INTO event_log (stream_id, version, type, data, metadata, occurred_at) "
                "VALUES ('roles-test', 1, 'Probe', '{}', '{}', now())"
            )
            cursor.execute("SELECT count(*) FROM event_log WHERE stream_id = 'roles-test'")
            assert cursor.fetchone()[0] == 1
        conn.rollback()
        for statement in (
            "UPDATE event_log SET type = 'x'",
            "DELETE FROM event_log",
            "TRUNCATE event_log",
            "ALTER TABLE event_log DISABLE TRIGGER event_log_append_only",
            "ALTER TABLE event_log ALTER COLUMN type TYPE text",
            "DROP TABLE event_log",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
            conn.rollback()


@pytest.mark.postgres
def test_check_database_roles_names_what_the_owner_or_a_superuser_could_do(app_role):
    owner = owner_conninfo()
    with psycopg.connect(**owner) as conn, conn.cursor() as cursor:
        found = database_roles.problems(cursor)
    assert any("owns event_log" in p or "superuser" in p for p in found)

    with psycopg.connect(**app_role, autocommit=True) as conn:
        owner_conn = psycopg.connect(**owner, autocommit=True)
        try:
            owner_conn.execute(f"GRANT UPDATE ON event_log TO {app_role['user']}")
            problems = database_roles.problems(conn.cursor())
        finally:
            owner_conn.close()
    assert problems == [f"role {app_role['user']} may UPDATE on event_log"]


@pytest.mark.postgres
def test_check_database_roles_exits_non_zero_unless_the_suite_runs_as_the_application_role():
    if owner_connection.configured():  # CI: DATABASE_OWNER_URL, the suite as the app's role
        call_command("check_database_roles")
    else:
        with pytest.raises(CommandError, match="may do more than INSERT and SELECT"):
            call_command("check_database_roles")


def test_check_database_roles_refuses_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with pytest.raises(CommandError, match="no database roles"):
        call_command("check_database_roles")


@pytest.mark.postgres
def test_a_disabled_trigger_is_reported():
    with psycopg.connect(**owner_conninfo()) as conn:
        conn.execute("ALTER TABLE event_log DISABLE TRIGGER event_log_no_truncate")
        found = database_roles.problems(conn.cursor())
        conn.rollback()
    assert "trigger event_log_no_truncate (refuses TRUNCATE) is disabled" in found
