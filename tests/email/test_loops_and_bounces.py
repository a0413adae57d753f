"""Mail no person wrote is recorded where it belongs but starts nothing and is never
answered; a bounce marks our message failed; one sender cannot flood the queues."""

from datetime import timedelta

import pytest

from contactcenter import clock
from contactcenter.events.models import Event
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Interaction, TranscriptEntry
from tests.email.conftest import INBOX, mail, send
from tests.settle import outbox_round

pytestmark = pytest.mark.django_db(transaction=True)

AUTOMATED = [
    {"Auto_Submitted": "auto-replied"},
    {"Auto_Submitted": "auto-generated"},
    {"Precedence": "bulk"},
    {"Precedence": "junk"},
    {"X_Autoreply": "yes"},
    {"X_Auto_Response_Suppress": "All"},
    {"List_Id": "Shop news <news.shop.example>"},
    {"sender": "noreply@shop.example"},
    {"sender": "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>"},
]


def acknowledgements() -> int:
    return Event.objects.filter(type="MessageSent", data__author="system").count()


@pytest.mark.parametrize(
    "headers", AUTOMATED, ids=lambda h: "-".join(f"{k}={v}" for k, v in h.items())
)
def test_automated_mail_never_starts_an_interaction_nor_gets_an_acknowledgement(listener, headers):
    send(listener, mail(subject="Out of office", **headers))

    assert not Interaction.objects.exists()
    assert acknowledgements() == 0


def test_auto_submitted_no_is_a_person(listener):
    send(listener, mail(Auto_Submitted="no"))

    assert Interaction.objects.count() == 1 and acknowledgements() == 1


@pytest.fixture
def acknowledged(listener, sink):
    send(listener, mail(subject="Where is my order?", message_id="<q1@mail.example.org>"))
    outbox_round()
    interaction = Interaction.objects.get()
    ack = TranscriptEntry.objects.get(interaction_id=interaction.id, kind="outbound")
    return interaction, ack


def test_an_out_of_office_reply_to_us_is_recorded_on_the_interaction_and_not_answered(
    listener, acknowledged
):
    interaction, ack = acknowledged
    interactions.close(interaction.id, reason="closed_by_agent")

    send(
        listener,
        mail(
            subject="Automatic reply: Re: Where is my order?",
            text="I am out of the office until Monday.",
            In_Reply_To=ack.external_id,
            Auto_Submitted="auto-replied",
            X_Auto_Response_Suppress="All",
        ),
    )

    entry = TranscriptEntry.objects.filter(kind="inbound").last()
    assert entry.interaction_id == interaction.id
    assert entry.channel_data["automated_reason"].startswith("Auto-Submitted: auto-replied")
    interaction.refresh_from_db()
    assert interaction.state == "closed"  # an auto-reply reopens nothing
    assert acknowledgements() == 1


def postfix_bounce(our_message_id: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"To: {INBOX}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "Message-Id: <20250304091500.4F1E2@mx.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="4F1E2.1"\r\n'
        "\r\n"
        "--4F1E2.1\r\n"
        "Content-Description: Notification\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the mail system at host mx.example.org.\r\n\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients.\r\n\r\n"
        "<carla@example.org>: host mx.example.org said: 550 5.1.1 <carla@example.org>:\r\n"
        "    Recipient address rejected: User unknown\r\n\r\n"
        "--4F1E2.1\r\n"
        "Content-Description: Delivery report\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n"
        "X-Postfix-Queue-ID: 4F1E2\r\n"
        "Arrival-Date: Tue,  4 Mar 2025 09:14:59 +0000 (UTC)\r\n\r\n"
        "Final-Recipient: rfc822; carla@example.org\r\n"
        "Original-Recipient: rfc822;carla@example.org\r\n"
        "Action: failed\r\n"
        "Status: 5.1.1\r\n"
        "Remote-MTA: dns; mx.example.org\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <carla@example.org>: Recipient address rejected:\r\n"
        "    User unknown\r\n\r\n"
        "--4F1E2.1\r\n"
        "Content-Description: Undelivered Message Headers\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
        "From: Example Support <support@example.com>\r\n"
        "To: carla@example.org\r\n"
        "Subject: Re: Where is my order?\r\n"
        f"Message-ID: {our_message_id}\r\n\r\n"
        "--4F1E2.1--\r\n"
    ).encode()


def test_a_bounce_marks_our_message_failed_and_is_recorded_but_not_answered(listener, acknowledged):
    interaction, ack = acknowledged
    assert ack.delivery_status == "sent"

    send(listener, postfix_bounce(ack.external_id), sender="")

    ack.refresh_from_db()
    assert ack.delivery_status == "failed"
    assert "5.1.1" in ack.delivery_detail and "User unknown" in ack.delivery_detail
    bounce = TranscriptEntry.objects.filter(kind="inbound").last()
    assert bounce.interaction_id == interaction.id
    assert bounce.channel_data["automated_reason"].startswith("bounce")
    assert Interaction.objects.count() == 1 and acknowledgements() == 1


def test_the_same_bounce_twice_records_one_failure(listener, acknowledged):
    _, ack = acknowledged
    send(listener, postfix_bounce(ack.external_id), sender="")
    send(listener, postfix_bounce(ack.external_id), sender="")

    assert Event.objects.filter(type="MessageDeliveryFailed").count() == 1


def test_a_bounce_without_a_from_still_marks_our_message_failed(listener, acknowledged):
    interaction, ack = acknowledged
    raw = postfix_bounce(ack.external_id).replace(
        b"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n", b""
    )

    send(listener, raw, sender="")  # refused before: "the message has no sender address"

    ack.refresh_from_db()
    assert ack.delivery_status == "failed"
    bounce = TranscriptEntry.objects.filter(kind="inbound").last()
    assert bounce.interaction_id == interaction.id
    assert bounce.author_name == "mailer-daemon@mx.example.org"  # its Reporting-MTA
    assert Interaction.objects.count() == 1 and acknowledgements() == 1


def test_an_out_of_office_from_the_null_sender_marks_nothing_failed(listener, acknowledged):
    # RFC 3834 asks auto-replies to be sent from the null sender, as bounces are.
    interaction, ack = acknowledged

    send(
        listener,
        mail(
            subject="Automatic reply: Where is my order?",
            In_Reply_To=ack.external_id,
            Auto_Submitted="auto-replied",
        ),
        sender="",
    )

    ack.refresh_from_db()
    assert ack.delivery_status == "sent"
    assert not Event.objects.filter(type="MessageDeliveryFailed").exists()
    entry = TranscriptEntry.objects.filter(kind="inbound").last()
    assert entry.interaction_id == interaction.id
    assert not entry.channel_data["automated_reason"].startswith("bounce")
    assert acknowledgements() == 1


def test_a_bounce_of_something_we_never_sent_is_dropped_without_harm(listener):
    send(listener, postfix_bounce("<unknown@elsewhere.example>"), sender="")

    assert not Interaction.objects.exists()
    assert not Event.objects.filter(type__startswith="Message").exists()


def test_a_reply_storm_from_one_sender_is_capped(listener, channel):
    channel.sender_limit_per_hour = 3
    channel.save()

    for n in range(5):
        send(listener, mail(subject=f"Ticket {n}", sender="robot@storm.example"))

    assert Interaction.objects.count() == 3 and acknowledgements() == 3
    with clock.travel(timedelta(hours=1, minutes=1)):
        send(listener, mail(subject="After an hour", sender="robot@storm.example"))
    assert Interaction.objects.count() == 4


def test_capped_mail_that_joins_a_conversation_is_still_recorded(listener, channel):
    channel.sender_limit_per_hour = 1
    channel.save()
    send(listener, mail(message_id="<storm-1@storm.example>", sender="robot@storm.example"))

    send(listener, mail(In_Reply_To="<storm-1@storm.example>", sender="robot@storm.example"))

    entries = TranscriptEntry.objects.filter(kind="inbound")
    assert entries.count() == 2
    assert entries.last().channel_data["automated_reason"].startswith("rate limit")
