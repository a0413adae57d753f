"""An interaction is loaded from its stream folding only the events that change its state
(Interaction.FOLDS), with what the customer said left sealed: the same aggregate, without
reading the customer's data key or decrypting every message at every message (issue 18)."""

import pytest

from contactcenter.events import store
from contactcenter.interactions import commands
from contactcenter.interactions.domain import Interaction, stream_id
from contactcenter.interactions.ingest import ingest
from routing import router
from tests import statements
from tests.factories import chat_message, new_chat

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_loaded_interaction_is_the_one_its_whole_stream_folds_to():
    from tests.routing.builders import a_queue, an_agent

    queue = a_queue(name="Support", entry="webchat:*")
    an_agent(queue)
    chat = new_chat(visitor="v-load")
    router.route_once()
    ingest(chat_message(visitor="v-load", text="are you there?"))
    commands.send_message(chat.interaction_id, author="system", text="We are.")

    with statements.recorded() as run:
        loaded = commands.load(chat.interaction_id)

    whole = Interaction.from_events(store.read_stream(stream_id(chat.interaction_id)))
    assert loaded == whole
    assert loaded.version == store.stream_version(stream_id(chat.interaction_id))
    assert loaded.state.value == "offered"
    assert not [sql for sql in run if "privacy_customerkey" in sql]  # nothing opened


@pytest.mark.postgres
def test_a_long_conversation_loads_without_fetching_its_messages(monkeypatch):
    """Messages change no state: a conversation's hundredth message loaded all ninety-nine
    before it (decoded by the driver, then passed over), a cost that grew with every line."""
    import psycopg

    chat = new_chat(visitor="v-long")
    for n in range(30):
        ingest(chat_message(visitor="v-long", text=f"and another thing, number {n}"))
    fetched: list[int] = []
    fetchall = psycopg.Cursor.fetchall

    def counting(self):
        rows = fetchall(self)
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(psycopg.Cursor, "fetchall", counting)
    loaded = commands.load(chat.interaction_id)
    monkeypatch.undo()

    whole = Interaction.from_events(store.read_stream(stream_id(chat.interaction_id)))
    assert loaded == whole
    assert loaded.version == store.stream_version(stream_id(chat.interaction_id)) > 31
    assert sum(fetched) < 6, fetched  # created, queued (or self-service), the head


def test_a_stream_folded_for_nothing_still_tells_its_head():
    chat = new_chat(visitor="v-head")
    ingest(chat_message(visitor="v-head", text="still there?"))

    head, events = store.fold_stream(stream_id(chat.interaction_id), set())

    assert events == []
    assert head == store.stream_version(stream_id(chat.interaction_id))
