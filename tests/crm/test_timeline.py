"""The customer's history the console shows at every offer it opens: what each past
interaction was, told from the log without opening every message of every conversation."""

import pytest
from django.db import connection, transaction

from contactcenter.events import store
from contactcenter.interactions import commands
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.request_memo import one_request
from crm import customers
from crm.identities import Identity
from crm.models import Customer
from crm.timeline import customer_ids, customer_row, customer_timeline, identities, notes
from tests import statements
from tests.factories import chat_message, new_chat

pytestmark = pytest.mark.django_db(transaction=True)


def a_customer_with_long_conversations(chats: int, lines: int) -> tuple[str, list[str]]:
    ids = []
    for c in range(chats):
        chat = new_chat(visitor="v-regular", text=f"Question {c}", start_new=bool(c))
        for n in range(lines):
            ingest(chat_message(visitor="v-regular", text=f"line {n} of chat {c}"))
        commands.send_message(chat.interaction_id, author="system", text="Answered.")
        ids.append(chat.interaction_id)
    return chat.customer_id, ids


def test_each_past_conversation_is_told_with_its_first_words_and_how_many_messages():
    customer_id, ids = a_customer_with_long_conversations(chats=3, lines=4)

    timeline = customer_timeline(customer_id)

    assert [t.interaction_id for t in timeline] == ids[::-1]  # newest first
    assert [t.summary for t in timeline] == ["Question 2", "Question 1", "Question 0"]
    assert [t.messages for t in timeline] == [6, 6, 6]  # the first, four lines, the answer
    assert {t.channel for t in timeline} == {"webchat"}


def test_the_timeline_opens_no_message_but_each_conversations_first(monkeypatch):
    """Every message of the customer's last fifty conversations was read and decrypted at
    every offer the console opened: a regular's offer cost more than a whole chat."""
    customer_id, ids = a_customer_with_long_conversations(chats=4, lines=10)
    assert len(store.read_streams([stream_id(i) for i in ids])) > 4 * 12
    opened: list[str] = []
    open_all = store.sealing.open_all

    def counting(items):
        opened.extend(type_ for type_, _ in items)
        return open_all(items)

    monkeypatch.setattr(store.sealing, "open_all", counting)
    with statements.recorded() as run:
        timeline = customer_timeline(customer_id)

    assert [t.summary for t in timeline] == [f"Question {c}" for c in (3, 2, 1, 0)]
    assert opened.count("MessageReceived") == 4
    assert "MessageSent" not in opened
    assert len(run) <= 4


def test_the_conversation_on_screen_is_left_out_and_a_first_contacts_reads_no_log():
    customer_id, ids = a_customer_with_long_conversations(chats=2, lines=0)

    others = customer_timeline(customer_id, exclude=ids[1])
    first_contact = new_chat(visitor="v-first-time", text="Hello")
    with statements.recorded() as run:
        nothing = customer_timeline(first_contact.customer_id, exclude=first_contact.interaction_id)

    assert [t.interaction_id for t in others] == [ids[0]]
    assert nothing == []
    assert not [sql for sql in run if "event_log" in sql]


def test_a_customers_merged_ids_and_their_row_are_one_read_in_a_request():
    """The console asks for the customer's merged ids (labels, timeline, changes) and then
    for the customer's row (the panel): on PostgreSQL one statement answers both, where two
    did at every offer it opened (issue 18)."""
    survivor = new_chat(visitor="v-kept").customer_id
    first = new_chat(visitor="v-first", start_new=True).customer_id
    second = new_chat(visitor="v-second", start_new=True).customer_id
    customers.merge(first, into_id=survivor)
    customers.merge(second, into_id=survivor)

    with statements.recorded() as run, one_request():
        ids = customer_ids(survivor)
        row = customer_row(survivor)
        assert customer_ids(survivor) == ids

    assert ids == [survivor, second, first]  # newest merged first
    stored = Customer.objects.get(pk=survivor)
    assert (row.pk, row.name, row.created_at) == (stored.pk, stored.name, stored.created_at)
    assert len(run) == (1 if connection.vendor == "postgresql" else 2)
    with one_request():
        assert customer_row("nobody") is None and customer_ids("nobody") == ["nobody"]


def test_the_panels_identities_notes_and_conversations_come_with_the_customers_row():
    """The console's customer panel read the customer's identities, notes and newest
    conversations in a statement each after the row. On PostgreSQL they come with it now,
    three statements fewer at every offer the console opens (issue 18), and each is what
    its own query gives: merged customers' conversations, notes newest first, a note's
    text as written and its time to the microsecond."""
    survivor = new_chat(visitor="v-kept", text="Kept").customer_id
    merged = new_chat(visitor="v-merged", text="Merged", start_new=True).customer_id
    customers.merge(merged, into_id=survivor)
    customers.add_identity(survivor, Identity("email", "kept@example.com"))
    customers.add_identity(survivor, Identity("phone", "+15551230000"))
    for text in ("First call: 'quotes', \"doubles\", ünïcode", "Second\nline", "Third"):
        customers.add_note(survivor, text, author="agent:1", author_name="Ann")

    def panel():
        return (
            customer_ids(survivor, panel=True),
            identities(survivor),
            notes(survivor),
            [(t.interaction_id, t.messages, t.summary) for t in customer_timeline(survivor)],
        )

    asked_one_by_one = panel()  # outside a request: nothing read ahead
    with statements.recorded() as run, one_request():
        read_with_the_row = panel()

    assert read_with_the_row == asked_one_by_one
    ids, pairs, written, history = read_with_the_row
    assert ids == [survivor, merged]
    assert pairs == [
        ("email", "kept@example.com"),
        ("phone", "+15551230000"),
        ("web", "v-kept"),
        ("web", "v-merged"),  # moved with the merge
    ]
    assert written[0][1] == "Third"
    assert written[-1][1] == "First call: 'quotes', \"doubles\", ünïcode"
    assert {summary for _, _, summary in history} == {"Kept", "Merged"}
    panel_tables = ("crm_customer", "crm_contactidentity", "interactions_interaction")
    reads = [sql for sql in run if any(table in sql for table in panel_tables)]
    assert len(reads) == (1 if connection.vendor == "postgresql" else 4), reads


@pytest.mark.postgres
def test_the_panels_read_finds_a_customers_conversations_by_index_not_by_scanning_them_all():
    """Read at every offer the console opens: a scan of every interaction there would cost
    more with each conversation the contact center ever had."""
    from crm.timeline import _with_merged_sql

    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute("SET LOCAL enable_seqscan = off")  # a scan only where no index can do
        cursor.execute("EXPLAIN " + _with_merged_sql(), ["someone"])
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Seq Scan" not in plan, plan


def test_an_access_check_reads_the_customers_ids_without_the_panels_notes_and_history():
    """The panel's read-ahead is the panel's: `can_see_customer` and an export ask for the
    merged ids alone, and read no one's notes or fifty conversations for it."""
    customer_id = new_chat(visitor="v-checked").customer_id
    customers.add_note(customer_id, "Private", author="agent:1", author_name="Ann")

    with statements.recorded() as run, one_request():
        assert customer_ids(customer_id) == [customer_id]

    assert not [sql for sql in run if "crm_customernote" in sql or "interactions_" in sql], run
