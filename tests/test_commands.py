"""A command's transaction (contactcenter/commands.py): REPEATABLE READ where it begins one,
and the connection as it was afterwards."""

import pytest
from django.db import connection, transaction

from contactcenter.commands import command, repeatable_read

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def isolation() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        return cursor.fetchone()[0]


def test_repeatable_read_inside_another_transaction_is_refused_and_changes_nothing():
    """The test runs inside a transaction of its own. The level was set, could not be put
    back while that transaction went on, and stayed on the connection for later tests."""
    connection.ensure_connection()

    with pytest.raises(RuntimeError, match="inside another"), repeatable_read():
        pass

    assert connection.connection.isolation_level is None
    assert isolation() == "read committed"


def test_a_command_inside_a_transaction_joins_it_at_its_level():
    with transaction.atomic():
        assert command(isolation)() == "read committed"
    assert connection.connection.isolation_level is None
