"""A WhatsApp customer all the way through: the webhook lets them in, the flow's menu goes out
as reply buttons, their tap routes them, an agent answers from the console (out through the
Graph API), and the contact counts in the KPIs and the REST API."""

import pytest

from contactcenter.interactions.models import Interaction
from routing.flows.models import FlowSession
from tests.flows.builders import at_entry, menu_flow
from tests.meta_journey import answered_from_the_console, counted_in_kpis_and_the_api
from tests.routing.builders import a_queue
from tests.settle import outbox_round
from tests.whatsapp.payloads import button_reply, envelope, post, text

pytestmark = pytest.mark.django_db(transaction=True)


def test_webhook_flow_menu_routing_console_reply_kpis_and_api(
    client, number, support, alice, graph
):
    billing = a_queue("Billing", channels=("whatsapp",), entry=None)
    sales = a_queue("Sales", channels=("whatsapp",), entry=None)
    at_entry(menu_flow(billing, sales, support), "whatsapp", support)

    post(client, envelope(messages=[text("hi")]))
    outbox_round()
    welcome, menu = graph.sent()
    assert welcome["text"]["body"] == "Welcome to Acme."
    assert menu["type"] == "interactive"
    assert menu["interactive"]["body"]["text"] == "What do you need?"
    assert [b["reply"] for b in menu["interactive"]["action"]["buttons"]] == [
        {"id": "1", "title": "Billing"},
        {"id": "2", "title": "Sales"},
        {"id": "3", "title": "Support"},
    ]

    post(client, envelope(messages=[button_reply("3", "Support")]))
    interaction = Interaction.objects.get()
    assert (interaction.state, interaction.queue_id) == ("queued", support.pk)
    assert FlowSession.objects.get(pk=interaction.pk).outcome == "queued"

    answered_from_the_console(interaction, alice, "Hello Sheena, how can I help?")
    reply = graph.sent()[-1]
    assert reply["to"] == "16505551234"
    assert reply["text"]["body"] == "Hello Sheena, how can I help?"

    counted_in_kpis_and_the_api("whatsapp", interaction, alice)
