"""The interactions already in the log when their rows gained `opening_key` get it from the
log, as a rebuild would write it: a resend of the message that started one is still caught
without reading its stream."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from contactcenter.interactions.domain import opening_key
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from contactcenter.privacy import owner_connection
from tests.factories import chat_message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [("interactions", "0006_interaction_read_receipt")]


def migrate(targets) -> None:
    with owner_connection.as_owner(connection):  # altering tables is their owner's
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)


def test_the_rows_of_interactions_already_started_get_their_opening_key_from_the_log():
    own_id = dict(visitor="v-700", id_from_sender=True)
    first = ingest(chat_message(external_id="c1", **own_id))
    key = chat_message(external_id="c1", **own_id).key_within("after:")
    try:
        migrate(BEFORE)  # the column goes, and with it what the projection wrote
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert Interaction.objects.get(pk=first.interaction_id).opening_key == opening_key(key) != ""
    again = ingest(chat_message(external_id="c1", **own_id))
    assert again.duplicate and again.message_id == first.message_id
