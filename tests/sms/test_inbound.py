"""Twilio's Messaging webhook: signed, idempotent, normalised into one inbound message."""

import pytest

from contactcenter.events.models import Event
from contactcenter.interactions.models import Interaction, TranscriptEntry
from crm.models import ContactIdentity
from tests.routing.builders import a_queue
from tests.twilio_api import a_channel
from tests.twilio_hooks import post, sms

pytestmark = pytest.mark.django_db
HOOK = "/hooks/twilio/sms/"


@pytest.fixture(autouse=True)
def line():
    a_queue("Support", entry="sms:*")
    return a_channel()


def test_a_signed_message_starts_an_interaction_for_the_sender_by_e164(client):
    response = post(client, HOOK, sms("My bill is wrong", sender="+1 (555) 123-0001"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.text.endswith("<Response />")
    row = Interaction.objects.get()
    assert (row.channel, row.channel_key, row.state) == ("sms", "+15005550006", "queued")
    assert ContactIdentity.objects.get(customer_id=row.customer_id).address == "+15551230001"
    assert TranscriptEntry.objects.get(interaction_id=row.id).text == "My bill is wrong"


@pytest.mark.parametrize("signature", [False, "bm90IGEgc2lnbmF0dXJl"], ids=["missing", "bad"])
def test_a_missing_or_bad_signature_is_refused_and_appends_nothing(client, signature):
    response = post(client, HOOK, sms("hello"), signature=signature)

    assert response.status_code == 403
    assert "X-Twilio-Signature" in response.text
    assert not Event.objects.exists()


def test_a_signature_made_with_another_token_is_refused(client):
    response = post(client, HOOK, sms("hello"), token="someone-elses-token")

    assert response.status_code == 403 and not Event.objects.exists()


def test_a_tampered_body_is_refused(client):
    from django.conf import settings
    from twilio.request_validator import RequestValidator

    params = sms("pay 10 dollars")
    signature = RequestValidator(line_token()).compute_signature(
        f"{settings.PUBLIC_URL}{HOOK}", params
    )
    response = client.post(
        HOOK, {**params, "Body": "pay 1000 dollars"}, HTTP_X_TWILIO_SIGNATURE=signature
    )

    assert response.status_code == 403 and not Event.objects.exists()


def line_token() -> str:
    from tests.twilio_api import TOKEN

    return TOKEN


def test_behind_a_proxy_the_signature_is_checked_against_the_public_url(client, settings, line):
    line.public_url = "https://cc.example.com"
    line.save()

    direct = post(client, HOOK, sms("via proxy"))  # signed for PUBLIC_URL: not what Twilio used
    proxied = post(client, HOOK, sms("via proxy"), base="https://cc.example.com")

    assert (direct.status_code, proxied.status_code) == (403, 200)


def test_the_same_message_delivered_three_times_is_appended_once(client):
    params = sms("Hello?")

    responses = [post(client, HOOK, params) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert Event.objects.filter(type="MessageReceived").count() == 1
    assert Event.objects.filter(type="InteractionCreated").count() == 1


def test_mms_media_twilio_would_not_hand_over_are_recorded_with_their_type_and_url(client):
    # (nothing answers on port 9: the copy fails, tests/sms/test_mms_media.py has the rest)
    media = "http://127.0.0.1:9/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    params = sms(
        "photo of the damage", NumMedia="1", MediaUrl0=media, MediaContentType0="image/jpeg"
    )

    post(client, HOOK, params)

    entry = TranscriptEntry.objects.get()
    assert entry.attachments == [
        {"url": media, "name": "media-0", "content_type": "image/jpeg", "size": 0}
    ]


def test_a_reply_from_the_same_number_joins_the_conversation(client):
    post(client, HOOK, sms("first"))
    post(client, HOOK, sms("second"))

    assert Interaction.objects.count() == 1
    assert Interaction.objects.get().message_count == 2


def test_a_number_nobody_configured_is_not_found(client):
    response = post(client, HOOK, sms("hi", To="+15005550001"))

    assert response.status_code == 404 and "+15005550001" in response.text


def test_a_sender_that_is_not_a_phone_number_is_a_bad_request(client):
    response = post(client, HOOK, sms("hi", sender="not a number"))

    assert response.status_code == 400 and "From" in response.text
    assert not Event.objects.filter(type="MessageReceived").exists()


def test_a_get_is_not_allowed(client):
    assert client.get(HOOK).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_new_senders_first_message_reads_who_they_are_with_the_thread_key(client):
    post(client, HOOK, sms("warming up", sender="+1 555 123 0099"))  # caches, connections
    from tests import statements

    with statements.recorded() as run:
        response = post(client, HOOK, sms("Is my order late?", sender="+1 555 123 0042"))

    assert response.status_code == 200
    identity_reads = [s for s in run if s.startswith("SELECT") and "crm_contactidentity" in s]
    assert len(identity_reads) == 1 and "interactions_threadkey" in identity_reads[0]
