"""Statements go to PostgreSQL with their parameters beside them (server-side binding), not
quoted into the text by psycopg in Python: 10-15 us less of a server's CPU a statement, some
fifty statements a chat (issue 18). DATABASE_SERVER_SIDE_BINDING=0 goes back to Django's
default."""

import psycopg
import pytest
from django.db import connection

from contactcenter import settings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_parameters_go_beside_the_statement():
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text, %s::int", ["it's; DROP TABLE x", 7])
        assert cursor.fetchone() == ("it's; DROP TABLE x", 7)
        assert not isinstance(cursor.cursor, psycopg.ClientCursor)


def test_quoting_in_python_is_one_setting_away(monkeypatch):
    monkeypatch.setenv("DATABASE_SERVER_SIDE_BINDING", "0")
    assert settings._database()["OPTIONS"]["server_side_binding"] is False
    monkeypatch.delenv("DATABASE_SERVER_SIDE_BINDING")
    assert settings._database()["OPTIONS"]["server_side_binding"] is True


def test_a_statement_a_connection_runs_often_is_planned_once():
    """PostgreSQL parses and plans an unnamed statement at every run: for the widest of a
    message's (the conversation's row with what a message needs) that was 0.6-1.1 ms of the
    database's CPU each time on the 2-core machine. psycopg prepares a statement once a
    connection has run it DATABASE_PREPARE_THRESHOLD times."""
    threshold = settings._database()["OPTIONS"]["prepare_threshold"]
    assert threshold is not None
    sql = "SELECT count(*) FROM django_content_type WHERE app_label = %s"
    with connection.cursor() as cursor:
        for _ in range(threshold + 1):
            cursor.execute(sql, ["auth"])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["SELECT count(*) FROM django_content_type WHERE app_label = $1%"],
        )
        assert cursor.fetchone() == (1,)


def test_prepared_statements_are_one_setting_away(monkeypatch):
    """Behind a pooler that hands one session's statements to another (PgBouncer in
    transaction mode, before 1.21) they must be off."""
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "off")
    assert settings._database()["OPTIONS"]["prepare_threshold"] is None
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "2")
    assert settings._database()["OPTIONS"]["prepare_threshold"] == 2
    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD")
    assert settings._database()["OPTIONS"]["prepare_threshold"] == 5
