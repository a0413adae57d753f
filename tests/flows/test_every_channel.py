"""One flow definition, three channels: a caller keys it, an SMS customer texts it, a web
chat visitor clicks it (through ingest, with the widget's contract) — and each ends in the
same queue with the same attributes."""

import pytest

from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing.flows.models import FlowSession
from tests.factories import chat_message
from tests.flows.builders import at_entry, menu_flow
from tests.routing.builders import a_queue
from tests.twilio_api import a_channel
from tests.twilio_hooks import post, sms
from tests.voice.phone import Phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow():
    billing = a_queue("Billing", entry=None)
    sales, support = a_queue("Sales", entry=None), a_queue("Support", entry=None)
    flow = menu_flow(billing, sales, support)
    for channel in ("voice", "sms", "webchat"):
        at_entry(flow, channel, support)
    a_channel("http://127.0.0.1:9")
    return flow


def outcome(interaction: Interaction) -> tuple:
    session = FlowSession.objects.get(pk=interaction.pk)
    return (
        interaction.state,
        interaction.queue_id,
        interaction.priority,
        interaction.required_skills,
        session.attributes,
        [step["step"] for step in session.path],
    )


def test_the_same_flow_gives_the_same_result_on_voice_sms_and_web_chat(client, flow):
    phone = Phone(client)
    phone.dial_in()
    phone.press("1")
    phone.press("123456")

    post(client, "/hooks/twilio/sms/", sms("hello", sender="+15551230020"))
    post(client, "/hooks/twilio/sms/", sms("1", sender="+15551230020"))
    post(client, "/hooks/twilio/sms/", sms("123456", sender="+15551230020"))

    ingest(chat_message(visitor="v-all", text="hi"))
    ingest(chat_message(visitor="v-all", text="Billing", channel_data={"flow_choice": "1"}))
    ingest(chat_message(visitor="v-all", text="123456"))

    voice, text, chat = (Interaction.objects.get(channel=c) for c in ("voice", "sms", "webchat"))
    assert outcome(voice) == outcome(text) == outcome(chat)
    state, queue_id, _, skills, attributes, _ = outcome(chat)
    assert (state, queue_id, skills) == (
        "queued",
        flow.steps.get(step_id="to-billing").queue_id,
        {"billing": 5},
    )
    assert attributes["account_number"] == "123456"
