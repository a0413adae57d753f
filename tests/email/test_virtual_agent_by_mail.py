"""The virtual agent by mail: an inbox whose flow opens with a virtual agent answers a question
it is sure of from the knowledge base, in one mail (no "we have received your message"
beside it); the customer's reply "no" hands the mail to a person with what was tried, "yes"
closes it. An inbox whose flow opens otherwise (a menu nobody answers by mail) is queued and
acknowledged as before."""

from email import message_from_bytes, policy

import pytest

from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.knowledge.models import VirtualAgentSession
from routing.flows.models import FlowSession
from tests.email.conftest import mail, send
from tests.flows.builders import a_flow, at_entry
from tests.knowledge.builders import demo_knowledge_base
from tests.settle import outbox_round

pytestmark = pytest.mark.django_db(transaction=True)
GREETING = "Hello from Example Support's assistant."


@pytest.fixture
def assistant(channel):
    """The inbox's entry point runs a flow that opens with a virtual agent."""
    demo_knowledge_base()
    flow = a_flow(
        "assistant",
        {"assistant": {"kind": "virtual", "text": GREETING, "queue": channel.queue}},
        key="mail-help",
    )
    at_entry(flow, "email", channel.queue, key="support@example.com")
    channel.auto_acknowledge = True
    channel.save()
    return channel


def delivered(sink) -> list:
    outbox_round()
    return [message_from_bytes(raw, policy=policy.default) for _, _, raw in sink.received]


def the_interaction() -> Interaction:
    (row,) = Interaction.objects.all()
    return row


def test_a_question_it_is_sure_of_is_answered_in_one_mail_and_yes_closes_it(
    listener, assistant, sink
):
    send(listener, mail(subject="Password", text="I forgot my password"))

    (answer,) = delivered(sink)
    body = answer.get_body(("plain",)).get_content()
    assert answer["Subject"] == "Re: Password"
    assert GREETING in body and "Forgot password" in body
    assert "Did that answer your question?" in body
    assert "Reply yes for Yes, thanks or no for No." in body
    assert answer["Auto-Submitted"] == "auto-replied"
    assert the_interaction().state == "self_service"

    send(
        listener,
        mail(subject="Re: Password", text="Yes, thanks!", In_Reply_To=answer["Message-ID"]),
    )

    row = the_interaction()
    assert row.state == "closed"
    assert VirtualAgentSession.objects.get(pk=row.pk).outcome == "contained"


def test_no_hands_the_mail_to_a_person_with_what_was_tried(listener, assistant, sink):
    send(listener, mail(subject="Discount", text="My discount code does not work"))
    (answer,) = delivered(sink)

    send(
        listener,
        mail(
            subject="Re: Discount",
            text="No, that did not help",
            In_Reply_To=answer["Message-ID"],
        ),
    )

    row = the_interaction()
    assert (row.state, row.queue_id) == ("queued", assistant.queue_id)
    attributes = FlowSession.objects.get(pk=row.pk).attributes
    assert attributes["handoff_reason"] == "not_helpful"
    assert attributes["articles_tried"] == "My discount code does not work"
    texts = TranscriptEntry.objects.filter(interaction_id=row.pk).values_list("text", flat=True)
    assert "My discount code does not work" in " ".join(texts)  # the agent reads it all
    handed_over = delivered(sink)[-1].get_body(("plain",)).get_content()
    assert "colleague" in handed_over


def test_a_flow_that_opens_with_a_menu_is_skipped_by_mail_and_acknowledged(listener, channel, sink):
    flow = a_flow(
        "menu",
        {"menu": {"kind": "menu", "text": "Press 1", "options": "1 | Billing | "}},
    )
    at_entry(flow, "email", channel.queue, key="support@example.com")
    channel.auto_acknowledge = True
    channel.save()

    send(listener, mail(subject="Invoice", text="My invoice is wrong"))

    assert the_interaction().state == "queued"
    (acknowledgement,) = delivered(sink)
    assert "Press 1" not in acknowledgement.get_body(("plain",)).get_content()
