"""Erasure by crypto-shredding: after `erase_customer`, every reader of the log — the live
projections, a rebuild, the feed, the KPIs — shows "erased" where the customer's personal data
was, and the figures stay what they were."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from contactcenter.events import store
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.ingest import InboundMessage, ingest
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.privacy.erasure import AlreadyErased, erase_customer
from crm.models import ContactIdentity, Customer, CustomerNote
from tests.events.test_rebuild import (
    follow_every_catch_up_projection,
    scripted_workload,
    snapshot,
)
from tests.factories import chat_message, email_message

pytestmark = pytest.mark.django_db(transaction=True)


def raw_rows() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {store.TABLE}")
        return " ".join(str(row[0]) for row in cursor.fetchall())


def test_personal_fields_are_stored_encrypted_and_read_back_plain():
    from contactcenter.interactions.ingest import ingest

    result = ingest(email_message(sender="Dora <dora@example.org>", text="my address is 1 Elm St"))

    assert "dora@example.org" not in raw_rows() and "1 Elm St" not in raw_rows()
    texts = [
        e.data.get("text") for e in store.read_all(horizon=False) if e.type == "MessageReceived"
    ]
    assert texts == ["my address is 1 Elm St"]
    assert Customer.objects.get(pk=result.customer_id).email == "dora@example.org"


def test_the_first_text_of_a_conversation_without_a_subject_is_stored_sealed_too():
    """A text or a call opens its conversation with nothing of its own to seal (no subject):
    its first message was stored in the clear, and outlived an erasure."""
    ingest(
        InboundMessage(
            channel="sms",
            channel_key="+15550001111",
            sender_kind="phone",
            sender_address="+15557654321",
            text="my card ends 4242",
        )
    )

    # The text with its spaces: "4242" alone turns up in a random id now and then.
    assert "card ends 4242" not in raw_rows() and "5557654321" not in raw_rows()


def test_erasure_then_a_rebuild_gives_the_same_erased_rows():
    scripted_workload()
    bo = Customer.objects.get(email="bo@example.org")  # the other was merged into Bo
    erased = erase_customer(bo.pk, requested_by="test")
    assert len(erased) == 2
    follow_every_catch_up_projection()
    live = snapshot()

    bo.refresh_from_db()
    assert (bo.name, bo.email, bo.company) == ("erased", "erased", "erased")
    assert not ContactIdentity.objects.filter(customer_id__in=erased).exists()
    assert set(CustomerNote.objects.filter(customer_id=bo.pk).values_list("text", flat=True)) == {
        "erased"
    }
    mine = Interaction.objects.filter(customer_id__in=erased).values_list("pk", flat=True)
    words = TranscriptEntry.objects.filter(interaction_id__in=mine, kind="inbound")
    assert words and set(words.values_list("text", flat=True)) <= {"erased", ""}
    assert "My card was charged twice" not in str(live)

    call_command("rebuild_projections", verbosity=0)

    assert snapshot() == live


def test_the_feed_shows_erased_after_erasure(client, django_user_model):
    from contactcenter.interactions.ingest import ingest

    kept = ingest(chat_message(visitor="v-kept", text="keep me"))
    gone = ingest(chat_message(visitor="v-gone", sender_name="Gina Gone", text="forget me"))
    erase_customer(gone.customer_id, requested_by="test")
    user = django_user_model.objects.create_superuser("feed-admin", password="pw-12345678")
    client.force_login(user)

    body = client.get("/api/v1/events/?after=0").json()

    events = body["events"]
    received = {
        e["data"]["interaction_id"]: e["data"] for e in events if e["type"] == "MessageReceived"
    }
    assert received[kept.interaction_id]["text"] == "keep me"
    gone_data = received[gone.interaction_id]
    assert (gone_data["text"], gone_data["sender"], gone_data["sender_name"]) == ("erased",) * 3
    assert "forget me" not in str(body) and "Gina Gone" not in str(body)
    assert any(e["type"] == "CustomerErased" for e in events)


def test_the_kpis_stay_what_they_were():
    scripted_workload()
    follow_every_catch_up_projection()
    figures = {k: v for k, v in snapshot().items() if k.startswith("kpis.")}

    erase_customer(Customer.objects.get(email="bo@example.org").pk, requested_by="test")
    follow_every_catch_up_projection()
    call_command("rebuild_projections", verbosity=0)

    assert {k: v for k, v in snapshot().items() if k.startswith("kpis.")} == figures


def test_a_message_after_erasure_is_not_stored_readable():
    from contactcenter.interactions.ingest import ingest

    first = ingest(chat_message(visitor="v-late", text="hello"))
    erase_customer(first.customer_id, requested_by="test")
    ingest(chat_message(visitor="v-late", text="I am back with a secret"))

    assert "I am back with a secret" not in raw_rows()


def test_an_erasure_counts_at_once_for_the_request_that_read_the_keys_before():
    """A request looks each data key up once (the console's view of one offer opened five
    batches); an erasure in the same request is a command, which forgets what it read."""
    from contactcenter.interactions.ingest import ingest
    from contactcenter.request_memo import one_request

    def texts() -> list[str]:
        events = store.read_all(horizon=False)
        return [e.data["text"] for e in events if e.type == "MessageReceived"]

    first = ingest(chat_message(visitor="v-memo", text="my number is 555 0100"))
    with one_request():
        assert texts() == ["my number is 555 0100"]
        erase_customer(first.customer_id, requested_by="test")
        assert texts() != ["my number is 555 0100"]


def test_the_command_refuses_unknown_merged_and_erased_customers():
    from contactcenter.interactions.ingest import ingest

    customer_id = ingest(chat_message(text="hi")).customer_id
    with pytest.raises(CommandError, match="no customer"):
        call_command("erase_customer", "nobody")
    call_command("erase_customer", customer_id)
    with pytest.raises(AlreadyErased):
        erase_customer(customer_id, requested_by="test")


def test_a_key_made_in_a_transaction_that_rolled_back_is_never_used_again():
    """A customer's data key is made inside the appending transaction. When that transaction
    fails (the fault drill crashes PostgreSQL mid-append), the key is gone with it; a process
    that kept it in memory would seal what it appends next under a key no reader can find,
    and the customer's words would be lost without a trace."""
    from django.db import transaction

    from contactcenter.privacy import shredding

    note = {"customer_id": "c-rolled-back", "text": "call me after six"}
    with pytest.raises(RuntimeError), transaction.atomic():
        shredding.seal("customer-c-rolled-back", "CustomerNoteAdded", note)
        raise RuntimeError("the database went away before the commit")

    with transaction.atomic():
        sealed = shredding.seal("customer-c-rolled-back", "CustomerNoteAdded", note)
    [read_back] = shredding.open_batch([("CustomerNoteAdded", sealed)])
    assert read_back["text"] == "call me after six"


def test_a_new_customers_keys_are_made_without_looking_only_in_the_transaction_that_made_them():
    """A customer registered by the open transaction has no keys anywhere yet, so theirs are
    made without being looked up; once that transaction is over (here rolled back, the
    customer made again by another), the keys are looked up as anyone's: a key made blindly
    beside one that exists would seal under a key no reader finds."""
    from django.db import transaction

    from contactcenter.privacy import shredding

    note = {"customer_id": "c-new", "text": "my new address"}
    with pytest.raises(RuntimeError), transaction.atomic():
        shredding.new_customer("c-new")
        shredding.seal("customer-c-new", "CustomerNoteAdded", note)
        raise RuntimeError("the database went away before the commit")
    with transaction.atomic():
        first = shredding.seal("customer-c-new", "CustomerNoteAdded", note)  # made, looked up
    shredding._write_keys.clear()  # another process: it knows nothing of that key
    with transaction.atomic():
        shredding.new_customer("c-other")  # a mark for someone else changes nothing here
        again = shredding.seal("customer-c-new", "CustomerNoteAdded", note)

    read_back = shredding.open_batch([("CustomerNoteAdded", first), ("CustomerNoteAdded", again)])
    assert [r["text"] for r in read_back] == ["my new address", "my new address"]


def test_a_new_customers_first_bucket_key_is_made_with_their_own_in_one_statement():
    """A new customer's first message seals under a bucket's key (the channel's messages of
    the day), which needs the customer's own key first: both rows in one INSERT, where they
    were two round trips at every new customer's first message (issue 18)."""
    from datetime import date

    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from contactcenter.privacy import shredding
    from contactcenter.privacy.models import CustomerKey

    bucket = shredding.bucket_id("c-one", "webchat", "messages", date(2026, 12, 5))
    with transaction.atomic():
        shredding.new_customer("c-one")
        with CaptureQueriesContext(connection) as statements:
            assert shredding.write_key(bucket) is not None
            assert shredding.write_key("c-one") is not None  # known: made with the bucket's
    assert [q["sql"].split()[0] for q in statements.captured_queries] == ["INSERT"]
    made = CustomerKey.objects.filter(customer_id="c-one").values_list("key_id", flat=True)
    assert sorted(made) == ["c-one", bucket]
    note = {"customer_id": "c-one", "text": "my new address"}
    with transaction.atomic():
        sealed = shredding.seal("customer-c-one", "CustomerNoteAdded", note)
    shredding.forget()  # read back as another process would
    [read_back] = shredding.open_batch([("CustomerNoteAdded", sealed)])
    assert read_back["text"] == "my new address"


def test_an_erased_sms_conversation_still_costs_what_was_billed():
    """Twilio billed two segments for the customer's long text and one for the reply. The
    words are erased (the first text too, which opened the conversation); the segments are
    written beside them, so a rebuild counts 3, not the 1 + 1 of two unreadable texts."""
    texted = ingest(
        InboundMessage(
            channel="sms",
            channel_key="+15550001111",
            sender_kind="phone",
            sender_address="+15557654321",
            text="My parcel " + "x" * 190,  # GSM-7, over 160 characters: two segments
            external_id="SM-erased-cost",
        )
    )
    interactions.send_message(texted.interaction_id, author="system", text="On it")
    follow_every_catch_up_projection()
    before = {k: v for k, v in snapshot().items() if k.startswith("kpis.")}
    assert sum(r["unqueued_units"] for r in before["kpis.InteractionClock"].values()) == 3

    customer_id = Interaction.objects.get(pk=texted.interaction_id).customer_id
    erase_customer(customer_id, requested_by="test")
    words = [
        e.data["text"]
        for e in store.read_stream(f"interaction-{texted.interaction_id}")
        if e.type in ("MessageReceived", "MessageSent")
    ]
    assert words == ["erased", "erased"]  # the first text too: it came with no subject
    follow_every_catch_up_projection()
    call_command("rebuild_projections", verbosity=0)

    assert {k: v for k, v in snapshot().items() if k.startswith("kpis.")} == before


def test_a_new_customers_keys_are_written_with_the_first_messages_rows():
    """Inside a command the keys a new customer's first message needs (their own, and the
    day's bucket for the text) go into the statement that writes the append's projection
    rows: two INSERTs of their own before (issue 18). They are there after the commit, and
    another process opens the text with them."""
    from contactcenter.privacy import shredding
    from contactcenter.privacy.models import CustomerKey
    from tests import statements

    with statements.recorded() as run:
        result = ingest(chat_message("v-keys", "my card is on its way", external_id="k1"))
    # Not before the event's INSERT, as they were; on PostgreSQL, in no INSERT of their own
    # (SQLite writes each model's new rows in a statement of their own).
    appended = next(n for n, sql in enumerate(run) if f"INSERT INTO {store.TABLE}" in sql)
    assert not [sql for sql in run[:appended] if "privacy_customerkey" in sql]
    if connection.vendor == "postgresql":
        assert not [sql for sql in run if sql.startswith('INSERT INTO "privacy_customerkey"')]
    made = sorted(CustomerKey.objects.filter(customer_id=result.customer_id).values_list("pk"))
    assert len(made) == 2  # the customer's own key and the bucket of the day's texts
    assert "my card is on its way" not in raw_rows()
    shredding.forget()  # read back as another process would
    [entry] = TranscriptEntry.objects.filter(interaction_id=result.interaction_id)
    [event] = [
        e
        for e in store.read_stream(f"interaction-{result.interaction_id}")
        if e.type == "MessageReceived"
    ]
    assert event.data["text"] == entry.text == "my card is on its way"


def test_a_refused_append_leaves_no_key_behind_and_its_retry_makes_one_that_opens():
    """The keys handed to an append are written only with it. Here the first try's append is
    refused (the stream moved on, as when another writer got there first); the command's
    retry makes the key again, writes it with its rows, and what it sealed opens."""
    import uuid

    from contactcenter.commands import command
    from contactcenter.privacy import shredding
    from contactcenter.privacy.models import CustomerKey
    from crm.events import CustomerNoteAdded, CustomerRegistered

    customer_id = str(uuid.uuid4())
    stream = f"customer-{customer_id}"
    store.append(stream, [CustomerRegistered(customer_id=customer_id)], 0)  # nothing sealed
    assert not CustomerKey.objects.filter(customer_id=customer_id).exists()
    tries = []

    @command
    def note() -> None:
        tries.append(len(tries) + 1)
        shredding.new_customer(customer_id)  # its keys made without looking
        note = CustomerNoteAdded(
            customer_id=customer_id, note_id="n1", author="agent", text="moved to Leeds"
        )
        store.append(stream, [note], 0 if len(tries) == 1 else 1)  # the first try: refused

    note()

    assert tries == [1, 2]
    assert list(
        CustomerKey.objects.filter(customer_id=customer_id).values_list("pk", flat=True)
    ) == [customer_id]
    shredding.forget()
    assert store.read_stream(stream)[-1].data["text"] == "moved to Leeds"
