"""An agent's reply is appended first, then sent by the outbox through Django's mail API to
an SMTP server (a sink on loopback): our Message-ID, the thread's headers, the reply-token
address, the subject and cc the agent chose. Refusals are retried and end visibly."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from channels_adapters.email.addresses import read_token, split_plus
from contactcenter import clock
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Delivery, TranscriptEntry
from routing.offers import assign_by_hand
from tests.email.conftest import mail, send
from tests.routing.builders import an_agent
from tests.settle import outbox_round

pytestmark = pytest.mark.django_db(transaction=True)


def sent_mail(sink, n=-1):
    sender, recipients, raw = sink.received[n]
    return sender, recipients, message_from_bytes(raw, policy=policy.default)


@pytest.fixture
def conversation(listener, channel):
    """A customer's mail, acknowledged, then taken by an agent."""
    customer = mail(
        subject="Kettle leaks", message_id="<first@mail.example.org>", cc="Bob <bob@example.org>"
    )
    send(listener, customer)
    entry = TranscriptEntry.objects.get(kind="inbound")
    agent = an_agent(channel.queue, username="alice")
    assign_by_hand(entry.interaction_id, agent.pk)
    return entry.interaction_id, agent


def test_the_acknowledgement_goes_out_as_an_automatic_reply_in_the_thread(conversation, sink):
    outbox_round()

    _, recipients, ack = sent_mail(sink)
    assert recipients == ["carla@example.org"]
    assert ack["Subject"] == "Re: Kettle leaks"
    assert ack["In-Reply-To"] == "<first@mail.example.org>"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert str(ack["From"]) == "Example Support <support@example.com>"


def test_an_agents_reply_carries_our_message_id_thread_headers_and_reply_token(conversation, sink):
    interaction_id, agent = conversation
    message_id = interactions.send_message(
        interaction_id,
        author=f"agent:{agent.pk}",
        author_name="Alice",
        text="We are sending a new kettle.",
        html="<p>We are sending a <b>new</b> kettle.</p>",
        subject="Re: Kettle leaks (order 1234)",
        channel_data={"cc": ["Bob <bob@example.org>"]},
    )

    outbox_round()

    _, recipients, reply = sent_mail(sink)
    assert sorted(recipients) == ["bob@example.org", "carla@example.org"]
    assert reply["Message-ID"] == f"<{message_id}@example.com>"
    assert reply["Subject"] == "Re: Kettle leaks (order 1234)"
    assert reply["In-Reply-To"] == "<first@mail.example.org>"
    references = reply["References"].split()
    assert references[0] == "<first@mail.example.org>" and len(references) == 2  # + the ack
    assert "Auto-Submitted" not in reply
    inbox, token = split_plus(reply["Reply-To"].addresses[0].addr_spec)
    assert inbox == "support@example.com" and read_token(token, "wrong secret") is None
    from django.conf import settings

    assert read_token(token, settings.SECRET_KEY) == interaction_id
    assert reply.get_body(("plain",)).get_content().strip() == "We are sending a new kettle."
    assert "<b>new</b>" in reply.get_body(("html",)).get_content()
    entry = TranscriptEntry.objects.get(pk=message_id)
    assert (entry.delivery_status, entry.external_id) == ("sent", reply["Message-ID"])


def test_the_customers_reply_to_our_reply_lands_in_the_same_interaction(
    conversation, listener, sink
):
    interaction_id, agent = conversation
    interactions.send_message(interaction_id, author=f"agent:{agent.pk}", text="Which model?")
    outbox_round()
    _, _, ours = sent_mail(sink)

    reply = mail(
        subject="Re: Kettle leaks",
        text="The KX-200.",
        In_Reply_To=ours["Message-ID"],
        References=f"{ours['References']} {ours['Message-ID']}",
    )
    send(listener, reply)

    entries = TranscriptEntry.objects.filter(interaction_id=interaction_id, kind="inbound")
    assert [e.text.strip() for e in entries] == ["Order 1234 is late.", "The KX-200."]
    assert entries.last().channel_data["threaded_by"] == "in-reply-to"


def test_a_refusing_server_means_retries_then_delivery(conversation, sink):
    sink.refusals = ["451 4.3.0 try later", "421 4.7.0 busy"]

    outbox_round()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "451" in delivery.last_error
    with clock.travel(timedelta(seconds=10)):
        outbox_round()
    with clock.travel(timedelta(seconds=60)):
        outbox_round()

    assert len(sink.received) == 1
    assert Delivery.objects.get().status == "sent"


def test_a_server_that_keeps_refusing_ends_in_a_failed_delivery_event(conversation, sink):
    interaction_id, _ = conversation
    sink.always = "451 4.3.0 mailbox busy"

    for minutes in range(0, 200, 10):
        with clock.travel(timedelta(minutes=minutes)):
            outbox_round()

    assert not sink.received
    ack = TranscriptEntry.objects.get(interaction_id=interaction_id, kind="outbound")
    assert ack.delivery_status == "failed"
    assert "gave up after 6 attempts" in ack.delivery_detail and "451" in ack.delivery_detail


def test_a_permanent_refusal_fails_at_once_with_the_servers_words(conversation, sink):
    interaction_id, _ = conversation
    sink.always = "550 5.1.1 no such user"

    outbox_round()

    ack = TranscriptEntry.objects.get(interaction_id=interaction_id, kind="outbound")
    assert ack.delivery_status == "failed"
    assert "550" in ack.delivery_detail and "no such user" in ack.delivery_detail
    assert Delivery.objects.get().attempts == 1


def test_an_unreachable_mail_server_is_a_temporary_failure(conversation, settings):
    import socket

    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }

    outbox_round()

    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and "SMTP" in delivery.last_error


def test_a_mail_without_a_message_id_is_answered_without_invented_thread_headers(listener, sink):
    raw = b"From: carla@example.org\r\nTo: support@example.com\r\nSubject: no id\r\n\r\nHi\r\n"
    send(listener, raw, sender="carla@example.org")

    outbox_round()

    _, _, ack = sent_mail(sink)
    assert "In-Reply-To" not in ack and "References" not in ack


def test_a_very_long_message_id_is_answered_as_it_was_written(listener, sink):
    long_id = "<" + "x" * 200 + "@mail.example.org>"
    send(listener, mail(message_id=long_id))

    outbox_round()

    _, _, ack = sent_mail(sink)
    assert ack["In-Reply-To"] == long_id
