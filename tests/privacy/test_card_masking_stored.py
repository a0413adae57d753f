"""Card numbers never reach the log, the transcript or a log line: masked before storing."""

import io
import logging

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from contactcenter.events import store
from contactcenter.interactions.commands import add_note, send_message, start_outbound
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import TranscriptEntry
from contactcenter.privacy.redaction import CardNumbersFilter
from crm import customers
from crm.models import CustomerNote
from routing import offers
from tests.factories import chat_message, email_message
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db

CARD = "4111 1111 1111 1111"
MASKED = "**** **** **** 1111"


def raw_log_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {store.TABLE}")
        return " ".join(str(row[0]) for row in cursor.fetchall())


def test_a_chat_message_is_masked_in_the_log_and_the_transcript():
    result = ingest(chat_message(text=f"my card is {CARD}, exp 12/29"))

    (entry,) = TranscriptEntry.objects.filter(interaction_id=result.interaction_id)
    assert entry.text == f"my card is {MASKED}, exp 12/29"
    assert "1111 1111 1111 1111" not in raw_log_text()
    (received,) = [
        e
        for e in store.read_stream(stream_id(result.interaction_id))
        if e.type == "MessageReceived"
    ]
    assert received.data["text"] == entry.text


def test_an_email_subject_body_and_html_are_masked():
    result = ingest(
        email_message(subject=f"card {CARD}", text=f"pay with {CARD}", html=f"<p>{CARD}</p>")
    )
    (entry,) = TranscriptEntry.objects.filter(interaction_id=result.interaction_id)
    assert (entry.subject, entry.text, entry.html) == (
        f"card {MASKED}",
        f"pay with {MASKED}",
        f"<p>{MASKED}</p>",
    )


def test_keypad_digits_in_channel_data_are_masked():
    result = ingest(chat_message(text="", channel_data={"digits": "4111111111111111"}))
    (received,) = [
        e
        for e in store.read_stream(stream_id(result.interaction_id))
        if e.type == "MessageReceived"
    ]
    assert received.data["channel_data"] == {"digits": "************1111"}


def test_replies_internal_notes_wrap_up_notes_and_customer_notes_are_masked():
    queue = a_queue()
    agent = an_agent(queue)
    customer_id = ingest(chat_message(text="hello")).customer_id
    interaction_id = start_outbound(
        channel="email",
        channel_key="support@example.com",
        customer_id=customer_id,
        agent_id=agent.pk,
        queue_id=queue.pk,
    )
    send_message(interaction_id, author=f"agent:{agent.pk}", text=f"is it {CARD}?")
    add_note(interaction_id, f"customer read {CARD}", author=f"agent:{agent.pk}")
    customers.add_note(customer_id, f"on file: {CARD}", author=f"agent:{agent.pk}")
    offers.end_conversation(interaction_id, agent.pk)
    offers.wrap_up(interaction_id, agent.pk, disposition="resolved", notes=f"paid {CARD}")

    texts = set(
        TranscriptEntry.objects.filter(interaction_id=interaction_id).values_list("text", flat=True)
    )
    assert {f"is it {MASKED}?", f"customer read {MASKED}"} <= texts
    assert CustomerNote.objects.get(customer_id=customer_id).text == f"on file: {MASKED}"
    (wrapped,) = [
        e for e in store.read_stream(stream_id(interaction_id)) if e.type == "WrapUpCompleted"
    ]
    assert wrapped.data["notes"] == f"paid {MASKED}"
    assert "1111 1111 1111 1111" not in raw_log_text()


@override_settings(CARD_MASKING_CHANNELS="email,notes")
def test_masking_is_chosen_per_channel():
    chat = ingest(chat_message(text=f"chat {CARD}"))
    mail = ingest(email_message(text=f"mail {CARD}"))
    add_note(chat.interaction_id, f"note {CARD}", author="agent:1")

    def texts(interaction_id):
        return set(
            TranscriptEntry.objects.filter(interaction_id=interaction_id).values_list(
                "text", flat=True
            )
        )

    assert texts(chat.interaction_id) == {f"chat {CARD}", f"note {MASKED}"}
    assert texts(mail.interaction_id) == {f"mail {MASKED}"}


def test_every_configured_log_handler_masks_card_numbers():
    for handler in settings.LOGGING["handlers"].values():
        assert "card_numbers" in handler["filters"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CardNumbersFilter())
    logger = logging.getLogger("tests.privacy.cards")
    logger.addHandler(handler)
    try:
        logger.warning("payment by %s failed", CARD)
        try:
            raise ValueError(f"bad card {CARD}")
        except ValueError:
            logger.exception("oops")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert MASKED in written and "1111 1111 1111 1111" not in written
