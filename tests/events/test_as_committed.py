"""A subscriber told of a commit reads the rows that the append's projections held from
memory, as the commit left them, and reads the rest from the database (store.as_committed).
An accepted offer's push and the voice bridge used to read the interaction's row again."""

import pytest

from contactcenter.events import store
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from tests import statements
from tests.factories import chat_message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def subscriber():
    """Asks, at each commit, for the rows of the interactions told of and of `also`."""
    told = {"also": [], "rows": [], "statements": []}

    def read(events):
        ids = [e.data["interaction_id"] for e in events if "interaction_id" in e.data]
        with statements.recorded() as run:
            told["rows"] = store.as_committed(Interaction, [*ids, *told["also"]])
        told["statements"] = run

    store.on_committed(read)
    yield told
    store._after_commit.remove(read)


def test_a_subscriber_reads_the_row_its_commit_wrote_from_memory(subscriber):
    new = ingest(chat_message(visitor="v-new", text="Hello there")).interaction_id

    assert subscriber["statements"] == []
    [held] = subscriber["rows"]
    stored = Interaction.objects.get(pk=new)
    assert (held.version, held.state, held.message_count, held.queue_id) == (
        stored.version,
        stored.state,
        stored.message_count,
        stored.queue_id,
    )


def test_a_row_the_append_did_not_touch_is_read(subscriber):
    earlier = ingest(chat_message(visitor="v-earlier", text="Hi")).interaction_id
    subscriber["also"] = [earlier]

    new = ingest(chat_message(visitor="v-new", text="Hello there")).interaction_id

    assert {row.id for row in subscriber["rows"]} == {new, earlier}
    assert len(subscriber["statements"]) == 1


def test_outside_a_commit_s_subscribers_every_row_is_read(subscriber):
    new = ingest(chat_message(visitor="v-new", text="Hello there")).interaction_id

    with statements.recorded() as run:
        rows = store.as_committed(Interaction, [new])

    assert [row.id for row in rows] == [new]
    assert len(run) == 1
