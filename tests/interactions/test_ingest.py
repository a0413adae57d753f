"""ingest(): what every channel adapter calls with a customer's message."""

from datetime import timedelta

import pytest
from django.test import override_settings

from contactcenter import clock
from contactcenter.events import store
from contactcenter.interactions.commands import close
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.knowledge.models import ConversationSentiment
from crm.identities import InvalidIdentity
from crm.models import ContactIdentity, Customer
from tests import statements
from tests.factories import chat_message, email_message

pytestmark = pytest.mark.django_db


def test_a_first_message_registers_the_customer_and_starts_an_interaction():
    result = ingest(chat_message(visitor="v-100", text="Where is my parcel?"))

    assert result.created and not result.duplicate
    interaction = Interaction.objects.get(pk=result.interaction_id)
    assert (interaction.channel, interaction.state) == ("webchat", "new")
    assert interaction.customer_id == result.customer_id
    assert Customer.objects.get(pk=result.customer_id).name == "Vera Visitor"
    assert ContactIdentity.objects.get(key="web:v-100").customer_id == result.customer_id
    (entry,) = TranscriptEntry.objects.filter(interaction_id=result.interaction_id)
    assert (entry.kind, entry.text) == ("inbound", "Where is my parcel?")


def test_the_next_message_on_the_thread_joins_the_same_interaction():
    first = ingest(chat_message(visitor="v-101"))
    second = ingest(chat_message(visitor="v-101", text="Hello?"))

    assert second.interaction_id == first.interaction_id and not second.created
    assert Interaction.objects.get(pk=first.interaction_id).message_count == 2


def test_a_redelivered_message_is_appended_once():
    message = chat_message(visitor="v-102", external_id="provider-msg-1")
    first = ingest(message)
    before = store.count()

    again = ingest(message)

    assert again.duplicate and again.interaction_id == first.interaction_id
    assert store.count() == before


def test_the_same_person_by_email_is_the_same_customer_whatever_the_case_of_the_address():
    first = ingest(email_message(sender="Carla <Carla@Example.ORG>"))
    second = ingest(email_message(sender="carla@example.org"))

    assert first.customer_id == second.customer_id
    assert first.interaction_id != second.interaction_id  # a new thread is a new interaction


def test_phone_numbers_become_e164():
    result = ingest(
        chat_message(
            channel="sms",
            sender_kind="phone",
            sender_address="(500) 555-0006",
            threading_key="+15005550006",
        )
    )
    assert ContactIdentity.objects.get(customer_id=result.customer_id).address == "+15005550006"


def test_html_is_sanitised_before_it_is_stored():
    result = ingest(
        email_message(
            html='<p onclick="steal()">Hi<script>alert(1)</script><img src=x onerror=alert(1)></p>'
        )
    )
    html = TranscriptEntry.objects.get(interaction_id=result.interaction_id).html
    assert "script" not in html and "onerror" not in html and "onclick" not in html
    assert "Hi" in html


def test_a_bad_sender_address_is_refused_with_a_reason_and_nothing_is_stored():
    before = store.count()
    with pytest.raises(InvalidIdentity, match="not an e-mail address"):
        ingest(email_message(sender="not-an-address"))
    assert store.count() == before


def test_a_reply_within_the_reopen_window_reopens_the_interaction():
    first = ingest(chat_message(visitor="v-103"))
    close(first.interaction_id, "spam")

    with clock.travel(timedelta(hours=2)):
        again = ingest(chat_message(visitor="v-103", text="Actually, one more thing"))

    assert again.reopened and again.interaction_id == first.interaction_id
    types = [e.type for e in store.read_stream(stream_id(first.interaction_id))]
    assert types[-2:] == ["InteractionReopened", "MessageReceived"]


@override_settings(REOPEN_WINDOW_SECONDS=3600)
def test_a_reply_after_the_window_starts_a_new_interaction_linked_to_the_old_one():
    first = ingest(chat_message(visitor="v-104"))
    close(first.interaction_id, "spam")

    with clock.travel(timedelta(hours=2)):
        later = ingest(chat_message(visitor="v-104", text="Hello again"))

    assert later.created and later.interaction_id != first.interaction_id
    assert Interaction.objects.get(pk=later.interaction_id).previous_interaction_id == (
        first.interaction_id
    )
    assert Interaction.objects.get(pk=first.interaction_id).state == "closed"


def test_an_automated_message_never_starts_an_interaction():
    before = store.count()

    result = ingest(email_message(sender="mailer-daemon@example.org", automated=True))

    assert result.dropped and not result.interaction_id
    assert not Interaction.objects.exists()
    assert store.count() == before  # not even its sender: a robot is not a customer


def test_an_automated_message_on_a_known_thread_is_recorded_without_reopening():
    first = ingest(email_message(threading_key="<t1@example.org>"))
    close(first.interaction_id, "spam")

    bounce = ingest(email_message(threading_key="<t1@example.org>", automated=True))

    assert bounce.interaction_id == first.interaction_id and not bounce.reopened
    assert Interaction.objects.get(pk=first.interaction_id).state == "closed"


def test_the_adapter_can_thread_a_message_itself():
    first = ingest(email_message())
    reply = ingest(email_message(threading_key="<other@x>", interaction_id=first.interaction_id))
    assert reply.interaction_id == first.interaction_id


def test_a_redelivered_first_message_answers_with_the_message_it_started_with():
    message = chat_message(visitor="v-105", external_id="provider-msg-2")
    first = ingest(message)

    again = ingest(message)

    assert again.duplicate and again.message_id == first.message_id != ""


@pytest.mark.django_db(transaction=True)
def test_a_resent_message_is_caught_without_a_look_at_the_transcript_first():
    """As a server runs it, in a command of its own: a later message's resend is refused by
    the unique index and the retry answers it; a first message's by the key that started
    the conversation. A new message costs no look at the transcript."""
    own_id = dict(visitor="v-107", id_from_sender=True)
    first = ingest(chat_message(external_id="c1", **own_id))
    later = ingest(chat_message(text="More", external_id="c2", **own_id))

    with statements.recorded() as new_message:
        ingest(chat_message(text="And more", external_id="c3", **own_id))
    first_again = ingest(chat_message(external_id="c1", **own_id))
    later_again = ingest(chat_message(text="More", external_id="c2", **own_id))

    looks = [s for s in new_message if s.startswith("SELECT") and "transcriptentry" in s]
    assert looks == []
    assert first_again.duplicate and first_again.message_id == first.message_id
    assert later_again.duplicate and later_again.message_id == later.message_id
    texts = TranscriptEntry.objects.filter(interaction_id=first.interaction_id)
    assert sorted(e.text for e in texts) == ["And more", "Hello, I need help", "More"]


@pytest.mark.django_db(transaction=True)
def test_a_message_into_an_open_conversation_is_decided_from_its_row_without_reading_its_log():
    """The thread key's statement reads the conversation's row and its mood; while it is
    open, that row is all a message needs (its state, its version, the key it was started
    under)."""
    own_id = dict(visitor="v-108", id_from_sender=True)
    first = ingest(chat_message(external_id="c1", **own_id))

    with statements.recorded() as later:
        second = ingest(chat_message(text="More", external_id="c2", **own_id))
    first_again = ingest(chat_message(external_id="c1", **own_id))

    reads_of_the_log = [s for s in later if s.startswith("SELECT") and "event_log" in s]
    assert reads_of_the_log == []
    # its mood read with the thread key, and moved on by the message
    selects = [s for s in later if s.startswith("SELECT")]
    assert [s for s in selects if "sentiment" in s and "threadkey" not in s] == []
    assert ConversationSentiment.objects.get(pk=first.interaction_id).messages == 2
    assert second.interaction_id == first.interaction_id and not second.duplicate
    assert first_again.duplicate and first_again.message_id == first.message_id
    assert Interaction.objects.get(pk=first.interaction_id).version == store.stream_version(
        stream_id(first.interaction_id)
    )


@pytest.mark.django_db(transaction=True)
def test_a_senders_identity_is_read_with_the_thread_key_in_a_socket_call_or_request():
    """Who sent it and which conversation it joins: one statement, first contact or not."""
    from contactcenter.request_memo import one_request

    ingest(chat_message(visitor="v-warm"))  # the process knows its routing configuration
    reads = []
    for n, text in enumerate(("Hi", "More")):
        with statements.recorded() as run, one_request():
            result = ingest(
                chat_message(visitor="v-109", text=text, external_id=f"c{n}", id_from_sender=True)
            )
        # The reads of who sent it and where it goes (in the whole suite a process may also
        # read, say, its routing configuration again, after another test changed it).
        reads.append(
            [
                s
                for s in run
                if s.startswith("SELECT")
                and ("crm_contactidentity" in s or "interactions_threadkey" in s)
            ]
        )

    assert [len(selects) for selects in reads] == [1, 1], reads
    assert all("crm_contactidentity" in s and "threadkey" in s for (s,) in reads)
    assert Interaction.objects.get(pk=result.interaction_id).customer_id == result.customer_id


@override_settings(REOPEN_WINDOW_SECONDS=3600)
def test_a_senders_own_message_id_reused_in_a_later_conversation_is_a_new_message():
    first = ingest(chat_message(visitor="v-106", external_id="c1", id_from_sender=True))
    resent = ingest(chat_message(visitor="v-106", external_id="c1", id_from_sender=True))
    close(first.interaction_id, "spam")

    with clock.travel(timedelta(hours=2)):
        later = ingest(
            chat_message(
                visitor="v-106", text="New question", external_id="c1", id_from_sender=True
            )
        )

    assert resent.duplicate and resent.message_id == first.message_id
    assert later.created and not later.duplicate
    assert later.interaction_id != first.interaction_id
    texts = TranscriptEntry.objects.filter(interaction_id=later.interaction_id)
    assert [e.text for e in texts] == ["New question"]
