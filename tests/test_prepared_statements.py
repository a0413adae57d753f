"""Statements a connection runs often are prepared (DATABASE_PREPARE_THRESHOLD), and a
migration that changes the type of a column one reads does not leave a running server
failing that read: PostgreSQL refuses a prepared statement whose rows changed shape."""

import psycopg
import pytest
from django.db import NotSupportedError, connection, transaction

from contactcenter import settings
from contactcenter.privacy import owner_connection
from tests.browser.conftest import database_url

pytestmark = [pytest.mark.postgres]

READ = "SELECT id, amount FROM prepared_probe WHERE id = %s"


def migrate(*statements: str) -> None:
    """`statements` on a connection of their own, as the owner, as a deploy's `migrate`."""
    if owner_connection.configured():
        owner_connection.execute(connection.settings_dict["NAME"], statements)
        return
    with psycopg.connect(database_url(), autocommit=True) as other:
        for statement in statements:
            other.execute(statement)


@pytest.fixture
def probe(transactional_db):
    migrate(
        "CREATE TABLE prepared_probe (id int PRIMARY KEY, amount int)",
        "INSERT INTO prepared_probe VALUES (1, 7)",
        "GRANT SELECT ON prepared_probe TO PUBLIC",
    )
    yield settings._database()["OPTIONS"]["prepare_threshold"]
    connection.close()
    migrate("DROP TABLE prepared_probe")


def test_a_read_outside_a_transaction_survives_a_column_changing_type(probe):
    with connection.cursor() as cursor:
        for _ in range(probe + 1):
            cursor.execute(READ, [1])
        migrate("ALTER TABLE prepared_probe ALTER COLUMN amount TYPE bigint")
        cursor.execute(READ, [1])
        assert cursor.fetchone() == (1, 7)
        cursor.execute(READ, [1])  # planned again, and prepared again
        assert cursor.fetchone() == (1, 7)


def test_a_transaction_refused_for_it_leaves_the_next_one_planned_afresh(probe):
    for _ in range(probe + 1):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(READ, [1])
    migrate("ALTER TABLE prepared_probe ALTER COLUMN amount TYPE bigint")
    # Inside a transaction the statement cannot be run again: the transaction is refused
    # whole, as a conflict would refuse it, and a command tries again.
    with pytest.raises(NotSupportedError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(READ, [1])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(READ, [1])
        assert cursor.fetchone() == (1, 7)


def test_a_command_refused_for_a_stale_plan_is_tried_again_and_succeeds(probe):
    from contactcenter.commands import command

    @command
    def read_the_probe():
        with connection.cursor() as cursor:
            cursor.execute(READ, [1])
            return cursor.fetchone()

    for _ in range(probe + 1):
        read_the_probe()
    migrate("ALTER TABLE prepared_probe ALTER COLUMN amount TYPE bigint")
    assert read_the_probe() == (1, 7)
