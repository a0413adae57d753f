"""Mail sent over real SMTP (smtplib) to our listener becomes a queued interaction: every
charset, every shape, with its attachments stored and its HTML sanitised."""

import smtplib

import pytest
from django.core.files.storage import default_storage

from contactcenter.events import store
from contactcenter.events.models import Event
from contactcenter.interactions.models import Interaction, TranscriptEntry
from tests.email.conftest import INBOX, mail, send

pytestmark = pytest.mark.django_db(transaction=True)


def the_message(**filters) -> TranscriptEntry:
    return TranscriptEntry.objects.get(kind="inbound", **filters)


def test_a_plain_mail_starts_an_interaction_in_the_inboxs_queue(listener, channel):
    refused = send(listener, mail(subject="Where is my parcel?", text="Order 1234 is late."))

    assert refused == {}
    interaction = Interaction.objects.get()
    assert (interaction.channel, interaction.channel_key) == ("email", INBOX)
    assert (interaction.state, interaction.queue_id) == ("queued", channel.queue_id)
    entry = the_message()
    assert entry.subject == "Where is my parcel?"
    assert entry.text.strip() == "Order 1234 is late."
    assert entry.author_name == "Carla Díaz"
    assert entry.channel_data["via"] == "smtp"


def test_an_html_only_mail_is_kept_sanitised(listener):
    html = (
        '<p onclick="steal()">Hi <b>there</b><script>alert(1)</script></p>'
        '<a href="javascript:x">x</a>'
    )
    send(listener, mail(text=None, html=html))

    entry = the_message()
    assert "<b>there</b>" in entry.html
    assert "script" not in entry.html and "onclick" not in entry.html
    assert "javascript" not in entry.html


def test_a_multipart_mail_keeps_text_html_attachments_and_inline_images(listener):
    message = mail(text="See the photo.", html='<p>See <img src="cid:photo1@x"></p>')
    html_part = message.get_payload()[1]
    html_part.add_related(b"\x89PNG fake", maintype="image", subtype="png", cid="<photo1@x>")
    message.add_attachment(
        b"%PDF-1.7 invoice", maintype="application", subtype="pdf", filename="invoice 42.pdf"
    )

    send(listener, message)

    entry = the_message()
    assert entry.text.strip() == "See the photo."
    by_name = {a["name"]: a for a in entry.attachments}
    pdf = by_name["invoice 42.pdf"]
    assert (pdf["content_type"], pdf["size"]) == ("application/pdf", 16)
    with default_storage.open(pdf["storage_key"]) as stored:
        assert stored.read() == b"%PDF-1.7 invoice"
    (image,) = [a for a in entry.attachments if a["content_type"] == "image/png"]
    assert image["inline"] and image["content_id"] == "photo1@x"
    assert f'src="{image["url"]}"' in entry.html  # the inline image still shows, sanitised


@pytest.mark.parametrize(
    ("charset", "text"),
    [
        ("iso-8859-1", "Grüße aus Köln, die Lieferung fehlt."),
        ("shift_jis", "注文が届いていません。"),
    ],
)
def test_bodies_in_any_charset_are_read(listener, charset, text):
    raw = (
        (
            f"From: Kunde <kunde@example.org>\r\nTo: {INBOX}\r\nSubject: charset test\r\n"
            f"Message-ID: <{charset}@example.org>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset={charset}\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode()
        + text.encode(charset)
        + b"\r\n"
    )

    send(listener, raw, sender="kunde@example.org")

    assert the_message().text.strip() == text


def test_rfc_2047_encoded_subjects_and_names_are_decoded(listener):
    raw = (
        "From: =?iso-8859-1?q?J=F6rg_M=FCller?= <jorg@example.org>\r\n"
        f"To: {INBOX}\r\n"
        "Subject: =?utf-8?b?UmXDp3UgbWFucXVhbnQ=?= =?shift_jis?B?ko2Vtg==?=\r\n"
        "Message-ID: <rfc2047@example.org>\r\n\r\nBonjour\r\n"
    ).encode()

    send(listener, raw, sender="jorg@example.org")

    entry = the_message()
    assert entry.subject == "Reçu manquant注文"
    assert entry.author_name == "Jörg Müller"


def test_a_new_conversation_is_acknowledged_in_the_same_transaction(listener):
    send(listener, mail(subject="Broken kettle"))

    interaction = Interaction.objects.get()
    (sent,) = logged("MessageSent")
    (received,) = logged("MessageReceived")
    assert sent.data["author"] == "system" and sent.data["subject"] == "Re: Broken kettle"
    assert "Carla Díaz" in sent.data["text"] and "Broken kettle" in sent.data["text"]
    assert sent.data["channel_data"] == {"auto_acknowledgement": True}
    assert sent.metadata["correlation_id"] == received.metadata["correlation_id"]
    assert interaction.message_count == 2


def test_mail_for_an_address_we_do_not_have_is_refused_with_550(listener):
    with smtplib.SMTP(listener.host, listener.port, timeout=20) as client:
        client.ehlo()
        client.mail("carla@example.org")
        code, reason = client.rcpt("nobody@example.com")

    assert code == 550 and b"no inbox" in reason
    assert not Event.objects.exists()


def test_a_plus_address_of_an_inbox_is_that_inbox(listener):
    refused = send(
        listener, mail(to="support+orders@example.com"), to=["support+orders@example.com"]
    )

    assert refused == {}
    assert Interaction.objects.get().channel_key == INBOX


def test_a_message_over_the_inboxs_size_limit_is_refused_with_552(listener, channel):
    channel.max_message_bytes = 20_000
    channel.save()
    big = mail(text="x" * 30_000)

    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(listener, big)

    assert refused.value.smtp_code == 552 and b"at most 20000" in refused.value.smtp_error
    assert not Event.objects.exists()


def test_the_same_message_delivered_twice_is_recorded_once(listener):
    message = mail(message_id="<once@mail.example.org>")
    send(listener, message)
    before = Event.objects.count()

    send(listener, message)

    assert Event.objects.count() == before
    assert TranscriptEntry.objects.filter(kind="inbound").count() == 1


def test_a_message_with_no_sender_address_at_all_is_refused_with_a_reason(listener):
    # No From, and an envelope sender that is no address. (From the null sender it would
    # be a delivery notification: those are taken, see test_automated_mail.)
    raw = f"To: {INBOX}\r\nSubject: who am I\r\n\r\nhello\r\n".encode()

    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(listener, raw, sender="nobody")

    assert refused.value.smtp_code == 554 and b"no sender address" in refused.value.smtp_error


def test_after_hours_a_closing_queue_says_so_instead_of_acknowledging(listener, channel):
    from routing.models import BusinessCalendar

    queue = channel.queue
    queue.calendar = BusinessCalendar.objects.create(name="Never open")
    queue.after_hours_action = "close"
    queue.after_hours_message = "We are closed for the holidays."
    queue.save()

    send(listener, mail())

    interaction = Interaction.objects.get()
    (sent,) = logged("MessageSent")
    assert interaction.state == "closed"
    assert sent.data["text"] == "We are closed for the holidays."


def logged(event_type: str) -> list:
    """The log's events of a type as the store reads them: message text is sealed in the row."""
    return [e for e in store.read_all(horizon=False) if e.type == event_type]
