"""Issue 14.6: a returning visitor keeps their name; an e-mail that belongs to a known
customer is never attached silently, but offered to the agent as a possible match to merge."""

import pytest
from channels.db import database_sync_to_async as sync_to_async

from channels_adapters.webchat.models import WebChatChannel
from contactcenter.events import store
from contactcenter.interactions.models import Interaction, TranscriptEntry
from crm import customers
from crm.identities import normalise
from crm.models import Customer
from routing import offers
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, next_frame, request, visitor_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center():
    support = a_queue(name="Support", entry="webchat:*")
    WebChatChannel.objects.create(key="demo", name="Demo")
    return {"alice": an_agent(support, username="alice")}


async def say(socket, text: str, client_id: str) -> dict:
    await socket.send_json_to({"type": "message", "text": text, "client_message_id": client_id})
    return await next_frame(socket, "ack")


async def test_a_visitor_who_reopens_the_widget_is_still_called_by_their_name(center):
    first = await visitor_socket(visitor_id="returning-1")
    await next_frame(first, "welcome")
    await first.send_json_to({"type": "start", "name": "Vera Visitor"})
    await next_frame(first, "started")
    await say(first, "hello", "m1")
    await first.disconnect()

    again = await visitor_socket(visitor_id="returning-1")  # the widget reopened: no form
    await next_frame(again, "welcome")
    await say(again, "still there?", "m2")
    await again.disconnect()

    names = await sync_to_async(
        lambda: list(
            TranscriptEntry.objects.filter(kind="inbound")
            .order_by("position")
            .values_list("author_name", flat=True)
        )
    )()
    assert names == ["Vera Visitor", "Vera Visitor"]


async def test_an_email_of_a_known_customer_is_a_possible_match_the_agent_merges(center):
    known, _ = await sync_to_async(customers.identify)(
        normalise("email", "vera@example.org"), name="Vera Known"
    )
    widget = await visitor_socket(visitor_id="claims-vera")
    await next_frame(widget, "welcome")
    await widget.send_json_to({"type": "start", "name": "V", "email": "vera@example.org"})
    await next_frame(widget, "started")
    ack = await say(widget, "it's me", "m1")
    interaction_id = ack["interaction_id"]
    await sync_to_async(offers.assign_by_hand)(interaction_id, center["alice"].pk)
    row = await sync_to_async(Interaction.objects.get)(pk=interaction_id)
    assert row.customer_id != known  # not attached silently

    console = await agent_socket(center["alice"])
    snapshot = await next_frame(console, "snapshot")
    (view,) = snapshot["interactions"]
    assert view["possible_matches"] == [
        {"customer_id": known, "name": "Vera Known", "email": "vera@example.org"}
    ]

    answer = await request(
        console, "merge_customer", interaction_id=interaction_id, into_customer_id=known
    )

    assert answer["type"] == "ack"
    assert answer["interaction"]["possible_matches"] == []
    assert answer["interaction"]["customer"]["id"] == known
    merged = await sync_to_async(store.read_stream)(f"customer-{row.customer_id}")
    assert merged[-1].type == "CustomerMerged"
    assert merged[-1].metadata["actor"] == f"agent:{center['alice'].pk}"  # who merged
    duplicate = await sync_to_async(Customer.objects.get)(pk=row.customer_id)
    assert duplicate.merged_into_id == known
    await console.disconnect()
    await widget.disconnect()


def test_a_returning_visitors_name_and_identity_are_read_in_one_statement(center):
    """A reopened widget's first message looks up the name the visitor gave before: their
    identity and the customer it names in one read, which the message's ingest then uses."""
    from channels_adapters.webchat import tokens
    from channels_adapters.webchat import visitor as visitors
    from contactcenter.request_memo import one_request
    from tests import statements

    _, visitor = tokens.issue("demo", "returning-3")
    visitors.send_message(visitor, "hello", "m1", visitors.Profile(name="Vera Visitor"))

    with statements.recorded() as run, one_request():  # a new socket's first message
        visitors.send_message(visitor, "me again", "m2", visitors.Profile())

    reads = [s for s in run if s.startswith("SELECT") and ("crm_" in s)]
    assert len(reads) == 1, reads
    texts = TranscriptEntry.objects.filter(author_name="Vera Visitor").values_list("text")
    assert sorted(t for (t,) in texts) == ["hello", "me again"]
