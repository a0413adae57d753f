"""Whispers indexed before the search projection stopped indexing them leave the index on
migrating, as a rebuild would leave them out; a team's note stays."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from contactcenter import clock
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.ingest import ingest
from contactcenter.privacy import owner_connection
from contactcenter.search.models import SearchDocument
from tests.factories import chat_message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [("search", "0003_interaction_reference")]


def migrate(targets) -> None:
    with owner_connection.as_owner(connection):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)


def test_whispers_indexed_before_leave_the_index_and_team_notes_stay():
    chat = ingest(chat_message(text="my parcel")).interaction_id
    team = interactions.add_note(chat, "courier called", author="agent:1")
    whisper = interactions.add_note(chat, "refund quietly", author="boss", audience="agent")
    try:
        migrate(BEFORE)
        SearchDocument.objects.create(  # as the projection wrote a whisper before
            id=f"note:{whisper}",
            kind="note",
            interaction_id=chat,
            body="refund quietly",
            occurred_at=clock.now(),
            language="english",
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    notes = set(SearchDocument.objects.filter(kind="note").values_list("id", flat=True))
    assert notes == {f"note:{team}"}
