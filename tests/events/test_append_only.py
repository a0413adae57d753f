"""The database itself refuses to change or remove an event, whoever asks."""

import pytest
from django.db import DatabaseError, connection, transaction

from contactcenter.events.models import Event
from tests.factories import new_chat

pytestmark = pytest.mark.django_db

# The trigger's refusal, or, when the suite runs as the application's role (DATABASE_OWNER_URL,
# docs/deploy.md), the role's lack of the privilege.
REFUSED = "append-only|permission denied"


@pytest.fixture
def logged():
    new_chat()
    return Event.objects.count()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE event_log SET type = 'x'",
        "UPDATE event_log SET data = '{}' WHERE position = (SELECT MIN(position) FROM event_log)",
        "DELETE FROM event_log",
    ],
)
def test_raw_sql_cannot_change_the_log(logged, sql):
    with (
        pytest.raises(DatabaseError, match=REFUSED),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    assert Event.objects.count() == logged
    assert not Event.objects.filter(type="x").exists()


def test_the_orm_cannot_change_the_log_either(logged):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        Event.objects.all().update(type="x")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        Event.objects.all().delete()

    assert Event.objects.count() == logged
