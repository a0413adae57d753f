"""What the console shows beside the conversation: the self-service path, SMS consent."""

import pytest

from contactcenter.console.state import interaction_view
from contactcenter.interactions.ingest import ingest
from tests.factories import chat_message
from tests.flows.builders import at_entry, menu_flow
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db


def test_the_agent_sees_what_the_customer_chose_and_typed_in_self_service():
    billing, sales, support = (a_queue(name=n, entry=None) for n in ("Billing", "Sales", "Sup"))
    at_entry(menu_flow(billing, sales, support), "webchat", support)
    boss = an_agent(username="boss", supervisor=True, available=False)

    first = ingest(chat_message(visitor="v-flow", text="hi"))
    ingest(chat_message(visitor="v-flow", text="Billing", channel_data={"flow_choice": "1"}))
    ingest(chat_message(visitor="v-flow", text="123456"))

    view = interaction_view(first.interaction_id, boss)
    steps = [step["step"] for step in view["self_service"]["path"]]
    assert steps[:2] == ["welcome", "menu"] and "billing" in steps
    assert view["self_service"]["attributes"]["account_number"] == "123456"
    assert view["state"] == "queued" and view["self_service"]["outcome"] == "queued"


def test_an_opted_out_number_is_flagged_to_the_agent():
    from channels_adapters.sms import consent

    a_queue(name="Support", entry="sms:*")
    boss = an_agent(username="boss", supervisor=True, available=False)
    texted = ingest(
        chat_message(
            channel="sms",
            channel_key="+15005550006",
            sender_kind="phone",
            sender_address="+15005550123",
            threading_key="+15005550123",
        )
    )
    consent.record("+15005550123", "+15005550006", "STOP")

    view = interaction_view(texted.interaction_id, boss)
    assert view["extras"]["blocks_reply"] and "replied STOP" in view["extras"]["banner"]
