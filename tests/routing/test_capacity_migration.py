"""The capacity columns became AgentCapacity rows: the data migration keeps every agent's
capacity on each of the five channels exactly, and going back restores the columns."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from contactcenter.privacy import owner_connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [("routing", "0003_consoles_follow_presence")]
AFTER = [("routing", "0004_agentcapacity")]


@pytest.fixture(autouse=True)
def _as_the_owner():
    """Migrating alters tables, which only their owner may (the suite runs as the application's
    role where DATABASE_OWNER_URL is set, as in production: docs/deploy.md)."""
    with owner_connection.as_owner(connection):
        yield


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_todays_capacities_are_kept_as_rows_and_restored_on_the_way_back():
    old = migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="carol")
    old.get_model("routing", "AgentProfile").objects.create(
        user_id=user.pk,
        capacity_webchat=4,
        capacity_email=0,
        capacity_sms=2,
        capacity_voice=1,
        capacity_slack=9,
    )
    try:
        new = migrate(AFTER)
        rows = new.get_model("routing", "AgentCapacity").objects.filter(agent__user_id=user.pk)
        assert {r.channel: r.capacity for r in rows} == {
            "webchat": 4,
            "email": 0,
            "sms": 2,
            "voice": 1,
            "slack": 9,
        }
        new.get_model("routing", "AgentCapacity").objects.filter(channel="sms").update(capacity=5)

        back = migrate(BEFORE)
        profile = back.get_model("routing", "AgentProfile").objects.get(user_id=user.pk)
        assert (profile.capacity_sms, profile.capacity_slack) == (5, 9)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
