"""A Messenger customer all the way through: the flow's menu goes out as quick replies, their
choice routes them, an agent answers from the console (through the Send API, a local fake),
delivery and read receipts come back, and the contact counts in the KPIs and the REST API."""

import pytest

from contactcenter.events import store
from contactcenter.interactions.models import Interaction, TranscriptEntry
from tests.flows.builders import at_entry, menu_flow
from tests.messenger.payloads import PSID, delivery, envelope, message, post, read
from tests.meta_journey import answered_from_the_console, counted_in_kpis_and_the_api
from tests.routing.builders import a_queue
from tests.settle import outbox_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_webhook_quick_replies_routing_console_reply_receipts_kpis_and_api(
    client, page, support, alice, graph
):
    billing = a_queue("Billing", channels=("messenger",), entry=None)
    sales = a_queue("Sales", channels=("messenger",), entry=None)
    at_entry(menu_flow(billing, sales, support), "messenger", support)

    post(client, envelope(message("hi")))
    outbox_round()
    welcome, menu = graph.sent()
    assert welcome["message"] == {"text": "Welcome to Acme."}
    assert welcome["recipient"] == {"id": PSID} and welcome["messaging_type"] == "RESPONSE"
    assert menu["message"]["text"] == "What do you need?"
    assert menu["message"]["quick_replies"] == [
        {"content_type": "text", "title": "Billing", "payload": "1"},
        {"content_type": "text", "title": "Sales", "payload": "2"},
        {"content_type": "text", "title": "Support", "payload": "3"},
    ]
    assert graph.calls[0].path == "/v21.0/200000000000002/messages"

    post(client, envelope(message("Support", quick_reply="3")))
    interaction = Interaction.objects.get()
    assert (interaction.state, interaction.queue_id) == ("queued", support.pk)

    answered_from_the_console(interaction, alice, "Hi! Alice here.")
    reply = graph.sent()[-1]
    assert reply["message"] == {"text": "Hi! Alice here."}
    entry = TranscriptEntry.objects.get(kind="outbound", text="Hi! Alice here.")
    assert entry.delivery_status == "sent" and entry.external_id.startswith("m_")

    post(client, envelope(delivery(entry.external_id)))
    assert TranscriptEntry.objects.get(pk=entry.pk).delivery_status == "delivered"
    post(client, envelope(read(watermark=4102444800000)))  # 2100: everything sent so far
    events = store.count()
    post(client, envelope(read(watermark=4102444800000)))
    post(client, envelope(delivery(entry.external_id)))
    assert store.count() == events
    assert TranscriptEntry.objects.get(pk=entry.pk).delivery_status == "read"

    counted_in_kpis_and_the_api("messenger", interaction, alice)
