"""An interaction is loaded from its stream folding only the events that change its state
(Interaction.FOLDS), with what the customer said left sealed: the same aggregate, without
reading the customer's data key or decrypting every message at every message (issue 18)."""

import dataclasses

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


# What `commands.from_row` leaves out (the survey's rules read them from the stream): every
# other field a decision made from the row (`row_suffices`, a message into an open
# conversation) reads must be what the stream folds to.
NOT_ON_THE_ROW = {"rated", "surveyed_at"}


def test_an_interactions_row_holds_what_its_stream_folds_to_at_every_step():
    from datetime import timedelta

    from contactcenter import clock
    from contactcenter.actions import Actor
    from contactcenter.actions import interactions as actions
    from contactcenter.commands import command
    from contactcenter.interactions.models import Interaction as Row
    from contactcenter.interactions.models import TranscriptEntry
    from tests.routing.builders import a_queue, an_agent

    queue = a_queue(name="Support", entry="webchat:*")
    agent = an_agent(queue)
    chat = new_chat(visitor="v-row")
    interaction_id = chat.interaction_id

    @command
    def decide(choice) -> None:
        commands.decide_and_append(interaction_id, choice)

    def row_and_stream_agree(step: str) -> None:
        from_row = commands.from_row(Row.objects.get(pk=interaction_id))
        folded = commands.load(interaction_id)
        differ = {
            field.name: (getattr(from_row, field.name), getattr(folded, field.name))
            for field in dataclasses.fields(Interaction)
            if field.name not in NOT_ON_THE_ROW
            and getattr(from_row, field.name) != getattr(folded, field.name)
        }
        assert not differ, (step, differ)

    row_and_stream_agree("new")
    router.route_once()
    row_and_stream_agree("offered")
    row = Row.objects.get(pk=interaction_id)
    actions.accept(Actor.of(agent, "console"), interaction_id, row.offer_id)
    row_and_stream_agree("accepted")
    decide(lambda i: i.customer_left(clock.now() + timedelta(seconds=60)))
    row_and_stream_agree("the customer left")
    decide(lambda i: i.customer_returned())
    row_and_stream_agree("the customer came back")
    ingest(chat_message(visitor="v-row", text="still there?"))
    message = TranscriptEntry.objects.filter(interaction_id=interaction_id).last()
    commands.mark_read(
        interaction_id, agent_id=agent.pk, message_id=message.id, message_position=message.position
    )
    row_and_stream_agree("read")
    commands.close(interaction_id, "resolved")
    row_and_stream_agree("closed")
    ingest(chat_message(visitor="v-row", text="one more thing"))
    row_and_stream_agree("reopened")
