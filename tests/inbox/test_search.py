"""Search across transcripts, subjects, notes and customers, only in what the searcher may see:
PostgreSQL full-text search when DATABASE_URL names one, SQLite FTS5 otherwise; both read the
same websearch-style query (words, "phrases", -exclusions, or)."""

import pytest

from contactcenter.events.projections import get
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.ingest import ingest
from contactcenter.search.models import SearchDocument
from contactcenter.search.query import fts5_query, search
from crm import customers
from routing import offers
from tests.browser.inbox_world import support_center
from tests.factories import chat_message, email_message
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    _support, people = support_center()
    billing = a_queue(name="Billing", entry="email:*", channels=("email",))
    people["biller"] = an_agent(billing, username="biller", available=False)
    chat = ingest(chat_message(text="My parcel never arrived", sender_name="Vera Visitor"))
    offers.assign_by_hand(chat.interaction_id, people["agent1"].pk)
    interactions.add_note(chat.interaction_id, "angry about the parcel", author="agent:1")
    mail = ingest(email_message(subject="Invoice 1234 is wrong", text="Please fix the total"))
    return {**people, "chat": chat.interaction_id, "mail": mail.interaction_id}


def kinds(results):
    return sorted((r["kind"], r["interaction_id"]) for r in results)


def test_an_agent_finds_messages_notes_and_customers_of_their_queues_only(world):
    agent1, chat = world["agent1"], world["chat"]
    assert kinds(search(agent1, "parcel")) == [("message", chat), ("note", chat)]
    assert search(agent1, "arriving")[0]["snippet"] == "My parcel never arrived"  # stemmed
    assert search(agent1, "invoice") == []  # Billing's mail is not theirs
    found = search(agent1, "Vera")
    assert [(r["kind"], r["customer"]["name"], r["interaction_id"]) for r in found] == [
        ("customer", "Vera Visitor", chat)
    ]
    assert kinds(search(world["biller"], "invoice")) == [("message", world["mail"])]
    assert kinds(search(world["boss"], "invoice OR parcel")) == sorted(
        [("message", world["mail"]), ("message", chat), ("note", chat)]
    )


def test_a_whisper_is_found_by_no_search(world):
    """A supervisor's whisper is the agent holding the chat's to read, and supervisors': a
    colleague's search found its words, snippet and all, in the conversations they may see.
    Whispers are not searched (a search's hits carry no note's audience to check)."""
    interactions.add_note(
        world["chat"], "refund the parcel quietly", author="supervisor:boss", audience="agent"
    )
    colleague = world["agent2"]  # in the chat's queue; agent1 holds it

    assert kinds(search(colleague, "parcel")) == [
        ("message", world["chat"]),
        ("note", world["chat"]),
    ]
    assert search(colleague, "quietly") == []


def test_the_websearch_language_phrases_exclusions_and_nonsense(world):
    agent1, chat = world["agent1"], world["chat"]
    assert kinds(search(agent1, "parcel -angry")) == [("message", chat)]
    assert kinds(search(agent1, '"never arrived"')) == [("message", chat)]
    assert search(agent1, '"arrived never"') == []
    for nonsense in ('"', "-", "OR", "parcel AND (", "NEAR(a b)", "*", "  "):
        search(agent1, nonsense)  # answered, never an error
    assert fts5_query('parcel -angry "never arrived" or x') == (
        '"parcel" NOT "angry" "never arrived" OR "x"'
    )


def test_a_customer_note_and_a_profile_change_are_found_and_the_projection_rebuilds(world):
    boss = world["boss"]
    customer_id = search(boss, "Vera")[0]["customer"]["id"]
    customers.add_note(customer_id, "prefers a call back in the morning", author="agent:1")
    assert [r["kind"] for r in search(boss, "morning")] == ["customer_note"]
    before = sorted(SearchDocument.objects.values_list("id", "body", "title"))
    projector = get("search")
    from django.core.management import call_command

    call_command("rebuild_projections", projector.name, verbosity=0)
    assert sorted(SearchDocument.objects.values_list("id", "body", "title")) == before
    assert [r["kind"] for r in search(boss, "morning")] == ["customer_note"]
