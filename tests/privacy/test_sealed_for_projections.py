"""A projection that reads no personal field follows the log without opening any: its rounds
look up no customer's key, so the worker's figures cost no decryption and never hold the
customers' own words in memory (docs/privacy.md)."""

import pytest

from contactcenter.events import projections, store
from contactcenter.events.models import Event
from contactcenter.interactions.ingest import ingest
from contactcenter.kpis.models import InteractionClock
from contactcenter.privacy import envelope
from contactcenter.privacy.models import CustomerKey
from crm.models import CustomerActivity
from tests import statements
from tests.factories import chat_message
from tests.kpis.follow import catch_up_fully

pytestmark = pytest.mark.django_db(transaction=True)


def key_reads(run: list[str]) -> list[str]:
    table = CustomerKey._meta.db_table
    return [sql for sql in statements.of_the_work(run) if table in sql]


def stored(position: int) -> dict:
    """An event's data as the log holds it."""
    return Event.objects.get(position=position).data


@pytest.mark.parametrize("name", ["kpis", "customer_activity"])
def test_a_projection_that_reads_no_personal_field_catches_up_without_a_customers_key(name):
    """Each round opened every sealed field of the events it read (a web chat's start names
    its visitor), reading the customers' keys first: a statement and a decryption a chat."""
    projector = projections.get(name)
    catch_up_fully(projector)
    chats = [ingest(chat_message(visitor=f"visitor-{n}")) for n in range(3)]
    started = store.read_all(0, 1000, types=["InteractionCreated"])[-3:]
    assert all(envelope.is_sealed(stored(e.position)["threading_key"]) for e in started)

    with statements.recorded() as run:
        catch_up_fully(projector)

    assert key_reads(run) == []
    for chat in chats:
        if name == "kpis":
            assert InteractionClock.objects.get(pk=chat.interaction_id).channel == "webchat"
        else:
            assert CustomerActivity.objects.get(pk=chat.customer_id).interactions == 1


def test_the_log_read_sealed_keeps_personal_fields_as_stored_and_opened_gives_them_back():
    chat = ingest(chat_message(visitor="visitor-open", text="my order is late"))

    def mine(events):
        return [e for e in events if e.data["interaction_id"] == chat.interaction_id]

    sealed = mine(store.read_all(0, 1000, types=["MessageReceived"], opened=False))
    opened = mine(store.read_all(0, 1000, types=["MessageReceived"]))

    assert [e.data["text"] for e in opened] == ["my order is late"]
    assert [e.data["text"] for e in sealed] == [stored(opened[0].position)["text"]]
    assert envelope.is_sealed(sealed[0].data["text"])
    assert sealed[0].data["channel"] == opened[0].data["channel"] == "webchat"


def test_projections_are_handed_personal_fields_open_unless_they_say_they_read_none():
    sealed = {name for name, p in projections.all_projectors().items() if not p.personal}
    assert sealed == {"kpis", "customer_activity"}
