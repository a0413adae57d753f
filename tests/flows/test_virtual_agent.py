"""A virtual-agent step through ingest, on every channel: it answers from the knowledge base
above the threshold, asks once what the customer meant, and hands off to its queue with the
intent, the articles tried and the transcript — and each turn is counted for the report."""

import pytest

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.knowledge import reports
from contactcenter.knowledge.models import VirtualAgentSession
from routing.flows.models import FlowSession
from tests.factories import chat_message
from tests.flows.builders import a_flow, at_entry
from tests.knowledge.builders import demo_knowledge_base
from tests.routing.builders import a_queue
from tests.twilio_api import a_channel
from tests.twilio_hooks import post, sms
from tests.voice.phone import Phone

pytestmark = pytest.mark.django_db
GREETING = "Hi! What can I help you with?"


@pytest.fixture
def kb(db):
    return demo_knowledge_base()


@pytest.fixture
def support(kb):
    support = a_queue("Support", entry=None)
    flow = a_flow(
        "assistant",
        {"assistant": {"kind": "virtual", "text": GREETING, "queue": support}},
        key="help",
    )
    for channel in ("webchat", "sms", "voice"):
        at_entry(flow, channel, support)
    return support


def said(interaction_id: str) -> list[dict]:
    return [
        e.data
        for e in store.read_stream(stream_id(interaction_id))
        if e.type == "MessageSent" and e.data["author"] == "flow"
    ]


def chat(visitor: str, text: str, choice: str = ""):
    data = {"flow_choice": choice} if choice else {}
    return ingest(chat_message(visitor=visitor, text=text, channel_data=data))


def test_it_greets_then_answers_a_question_it_is_sure_of_and_closes_on_yes(support, kb):
    first = chat("v-1", "hi")
    assert said(first.interaction_id)[-1]["text"] == GREETING
    chat("v-1", "I forgot my password")
    answer = said(first.interaction_id)[-1]
    assert "Forgot password" in answer["text"]
    assert answer["text"].endswith("Did that answer your question?")
    assert answer["channel_data"]["flow"]["options"][0] == {"value": "yes", "label": "Yes, thanks"}
    assert Interaction.objects.get(pk=first.interaction_id).state == "self_service"

    chat("v-1", "Yes, thanks", choice="yes")

    row = Interaction.objects.get(pk=first.interaction_id)
    assert row.state == "closed"
    session = VirtualAgentSession.objects.get(pk=row.pk)
    assert (session.outcome, session.answers, session.articles) == (
        "contained",
        1,
        [kb["reset-password"]],
    )
    assert FlowSession.objects.get(pk=row.pk).outcome == "ended"


def test_unsure_it_asks_once_and_a_picked_option_is_answered(support, kb):
    first = chat("v-2", "hi")
    chat("v-2", "delivery")
    question = said(first.interaction_id)[-1]
    options = question["channel_data"]["flow"]["options"]
    assert question["text"].startswith("I want to be sure I understand")
    assert options[-1]["value"] == "0"
    picked = next(o for o in options if o["label"] == "Delivery times and shipping costs")

    chat("v-2", picked["label"], choice=picked["value"])

    assert "3 to 5 working days" in said(first.interaction_id)[-1]["text"]


def test_it_hands_off_with_the_intent_the_articles_tried_and_the_transcript(support, kb):
    first = chat("v-3", "hi")
    chat("v-3", "my discount code does not work")  # answered
    chat("v-3", "no, that did not help")

    row = Interaction.objects.get(pk=first.interaction_id)
    assert (row.state, row.queue_id) == ("queued", support.pk)
    attributes = FlowSession.objects.get(pk=row.pk).attributes
    assert attributes["handoff_reason"] == "not_helpful"
    assert attributes["intent"] == "My discount code does not work"
    assert attributes["articles_tried"] == "My discount code does not work"
    texts = list(
        TranscriptEntry.objects.filter(interaction_id=row.pk)
        .order_by("position")
        .values_list("text", flat=True)
    )
    assert "my discount code does not work" in texts  # the agent reads the whole conversation
    assert said(row.pk)[-1]["text"].startswith("Let me connect you with a colleague")


def test_asking_for_a_person_or_being_angry_hands_off_at_once(support, kb):
    person = chat("v-4", "hi")
    chat("v-4", "I want to speak to a human")
    angry = chat("v-5", "hi")
    chat("v-5", "This is unacceptable, you are useless and I am furious")

    reasons = {s.interaction_id: s.reason for s in VirtualAgentSession.objects.all()}
    assert reasons == {
        person.interaction_id: "asked_for_person",
        angry.interaction_id: "negative_sentiment",
    }
    assert Interaction.objects.get(pk=angry.interaction_id).state == "queued"


def test_a_question_no_article_answers_is_handed_off_after_one_clarification(support, kb):
    first = chat("v-6", "hi")
    chat("v-6", "can I book a table for two at your restaurant")
    chat("v-6", "a table tonight")
    session = VirtualAgentSession.objects.get(pk=first.interaction_id)
    assert (session.clarified, session.outcome, session.reason) == (
        True,
        "handed_off",
        "low_confidence",
    )


def test_the_report_counts_containment_and_hand_off_reasons_per_flow(support, kb):
    chat("r-1", "hi")
    chat("r-1", "I forgot my password")
    chat("r-1", "yes", choice="yes")
    chat("r-2", "hi")
    chat("r-2", "agent please")
    [flow] = reports.virtual_agent_by_flow()
    assert (flow["flow"], flow["conversations"], flow["contained"], flow["handed_off"]) == (
        "help",
        2,
        1,
        1,
    )
    assert flow["reasons"] == {"asked_for_person": 1}
    assert flow["containment"] == 0.5


def test_the_same_step_answers_on_sms_and_on_voice(client, support, kb):
    a_channel("http://127.0.0.1:9")
    post(client, "/hooks/twilio/sms/", sms("hello", sender="+15551230040"))
    post(
        client,
        "/hooks/twilio/sms/",
        sms("what payment methods do you accept", sender="+15551230040"),
    )
    text = Interaction.objects.get(channel="sms")
    assert "PayPal" in said(text.pk)[-1]["text"]

    phone = Phone(client)
    phone.dial_in()
    phone.say_words("I want to return an item")
    call = Interaction.objects.get(channel="voice")
    assert "30 days from delivery" in said(call.pk)[-1]["text"]
    assert any("30 days from delivery" in line for line in phone.said())
    assert "/help/" not in said(call.pk)[-1]["text"]  # no address read out on the phone
    assert "/help/payment-methods/" in said(text.pk)[-1]["text"]


def test_a_first_message_that_is_a_question_is_answered_at_once(support, kb):
    first = chat("v-7", "What payment methods do you accept?")
    greeting, answer = said(first.interaction_id)
    assert greeting["text"] == GREETING
    assert "PayPal" in answer["text"]
    hello = chat("v-8", "Hello there!")
    assert [p["text"] for p in said(hello.interaction_id)] == [GREETING]
