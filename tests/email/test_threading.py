"""Replies find their conversation whatever the customer's mail client does with the thread
headers, and never by subject alone; late replies reopen, or start a linked conversation."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.conf import settings
from django.test import override_settings

from contactcenter import clock
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Interaction, TranscriptEntry
from tests.email.conftest import mail, send
from tests.settle import outbox_round

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "<CAF=first+x@mail.gmail.com>"


@pytest.fixture
def thread(listener, sink):
    """The customer wrote; we acknowledged (really sent, to the sink). Returns the
    interaction and our acknowledgement as the customer received it."""
    send(listener, mail(subject="Invoice 77 is wrong", message_id=FIRST))
    outbox_round()
    (_, _, raw) = sink.received[-1]
    interaction = Interaction.objects.get()
    return interaction, message_from_bytes(raw, policy=policy.default)


def inbound_of(interaction) -> list[str]:
    return [
        e.text.strip()
        for e in TranscriptEntry.objects.filter(interaction_id=interaction.id, kind="inbound")
    ]


def test_a_gmail_reply_with_in_reply_to_lands_in_the_same_interaction(listener, thread):
    interaction, ack = thread
    reply = mail(
        subject="Re: Invoice 77 is wrong",
        text="It should be 70.\n\nOn Mon, 3 Mar 2025 at 10:00, Example Support wrote:\n> Hello",
        message_id="<CAF=second@mail.gmail.com>",
        In_Reply_To=ack["Message-ID"],
        References=f"{FIRST} {ack['Message-ID']}",
    )

    send(listener, reply)

    assert Interaction.objects.count() == 1
    assert inbound_of(interaction)[-1].startswith("It should be 70.")


def test_an_outlook_reply_without_in_reply_to_is_threaded_by_references(listener, thread):
    interaction, ack = thread
    reply = mail(
        subject="AW: Invoice 77 is wrong",
        text="Bitte korrigieren.",
        message_id="<AM0PR03MB5912A1B2@AM0PR03MB5912.eurprd03.prod.outlook.com>",
        Thread_Topic="Invoice 77 is wrong",
        Thread_Index="AQHZj3kq1Xb2c3d4e5f6g7h8i9j0kA==",
        References=f"{FIRST} {ack['Message-ID']}",
        X_MS_Has_Attach="",
        X_MS_TNEF_Correlator="",
    )

    send(listener, reply)

    assert Interaction.objects.count() == 1
    entry = TranscriptEntry.objects.filter(kind="inbound").last()
    assert (entry.interaction_id, entry.channel_data["threaded_by"]) == (
        interaction.id,
        "references",
    )


def test_an_outlook_reply_whose_in_reply_to_we_never_saw_falls_back_to_references(listener, thread):
    """Exchange answers from its own copy of a forwarded message: In-Reply-To names a
    message we never had, References (folded, as Outlook writes it) still holds ours."""
    interaction, ack = thread
    raw = (
        "From: Carla Diaz <carla@example.org>\r\n"
        'To: "support@example.com" <support@example.com>\r\n'
        "Subject: RE: Invoice 77 is wrong\r\n"
        "Thread-Topic: Invoice 77 is wrong\r\n"
        "Thread-Index: AQHZj3kq1Xb2c3d4e5f6g7h8i9j0kAAAB==\r\n"
        "Date: Tue, 4 Mar 2025 09:12:44 +0000\r\n"
        "Message-ID: <DB9PR10MB7001@DB9PR10MB7001.EURPRD10.PROD.OUTLOOK.COM>\r\n"
        "In-Reply-To: <DB9PR10MB7000@DB9PR10MB7000.EURPRD10.PROD.OUTLOOK.COM>\r\n"
        f"References: {FIRST}\r\n"
        f" {ack['Message-ID']}\r\n"
        " <DB9PR10MB7000@DB9PR10MB7000.EURPRD10.PROD.OUTLOOK.COM>\r\n"
        "Accept-Language: de-DE, en-US\r\n"
        "Content-Language: de-DE\r\n"
        "X-MS-Has-Attach:\r\n"
        "X-MS-TNEF-Correlator:\r\n"
        'Content-Type: text/plain; charset="us-ascii"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "MIME-Version: 1.0\r\n\r\n"
        "Forwarding to accounts as well.\r\n"
    ).encode()

    send(listener, raw, sender="carla@example.org")

    assert Interaction.objects.count() == 1
    assert inbound_of(interaction)[-1] == "Forwarding to accounts as well."


def test_an_apple_mail_reply_with_folded_references_is_threaded(listener, thread):
    interaction, ack = thread
    raw = (
        "From: Carla Diaz <carla@example.org>\r\n"
        "To: Example Support <support@example.com>\r\n"
        "Subject: Re: Invoice 77 is wrong\r\n"
        "Message-Id: <3F2A1B9C-77D4-4C1E-9A0B-5E6F7A8B9C0D@example.org>\r\n"
        f"In-Reply-To: {ack['Message-ID']}\r\n"
        f"References: {FIRST}\r\n {ack['Message-ID']}\r\n"
        "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3731.500.231\\))\r\n"
        "X-Mailer: Apple Mail (2.3731.500.231)\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "Thanks!\r\n"
    ).encode()

    send(listener, raw, sender="carla@example.org")

    assert Interaction.objects.count() == 1
    assert inbound_of(interaction)[-1] == "Thanks!"


def test_a_reply_stripped_of_thread_headers_is_threaded_by_the_reply_token(listener, thread):
    interaction, ack = thread
    token_address = ack["Reply-To"].addresses[0].addr_spec
    reply = mail(subject="Invoice", text="Any news?", to=token_address)

    send(listener, reply, to=[token_address])

    assert Interaction.objects.count() == 1
    entry = TranscriptEntry.objects.filter(kind="inbound").last()
    assert entry.channel_data["threaded_by"] == "reply-token"
    assert entry.interaction_id == interaction.id


def test_a_reply_token_signed_before_the_secret_key_was_rotated_still_threads(listener, thread):
    interaction, ack = thread
    token_address = ack["Reply-To"].addresses[0].addr_spec
    reply = mail(subject="Invoice", text="Any news?", to=token_address)

    rotated = override_settings(
        SECRET_KEY="the new secret key", SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]
    )
    with rotated:
        send(listener, reply, to=[token_address])

    entry = TranscriptEntry.objects.filter(kind="inbound").last()
    assert entry.channel_data["threaded_by"] == "reply-token"
    assert entry.interaction_id == interaction.id


def test_the_same_subject_alone_never_joins_a_conversation(listener, thread):
    send(listener, mail(subject="Re: Invoice 77 is wrong", text="Another question"))

    assert Interaction.objects.count() == 2


def test_a_forged_reply_token_threads_nothing(listener, thread):
    forged = "support+" + "a" * 36 + "@example.com"

    send(listener, mail(subject="hi", to=forged), to=[forged])

    assert Interaction.objects.count() == 2


def test_a_reply_to_a_closed_interaction_within_the_window_reopens_it(listener, thread):
    interaction, ack = thread
    interactions.close(interaction.id, reason="closed_by_agent")

    with clock.travel(timedelta(days=2)):
        send(
            listener, mail(subject="Re: Invoice", text="Still wrong", In_Reply_To=ack["Message-ID"])
        )

    interaction.refresh_from_db()
    assert Interaction.objects.count() == 1
    assert interaction.state == "queued"


def test_a_reply_after_the_channels_reopen_window_starts_a_linked_interaction(
    listener, thread, channel
):
    interaction, ack = thread
    channel.reopen_window_seconds = 3600
    channel.save()
    interactions.close(interaction.id, reason="closed_by_agent")

    with clock.travel(timedelta(hours=2)):
        send(listener, mail(subject="Re: Invoice", text="Again!", In_Reply_To=ack["Message-ID"]))

    new = Interaction.objects.exclude(pk=interaction.id).get()
    assert new.previous_interaction_id == interaction.id
    assert new.state == "queued"


def test_a_reply_to_a_very_long_message_id_is_threaded(listener):
    long_id = "<" + "y" * 300 + "@mail.example.org>"
    send(listener, mail(message_id=long_id))

    send(listener, mail(subject="Re: more", text="More.", In_Reply_To=long_id))

    assert Interaction.objects.count() == 1
