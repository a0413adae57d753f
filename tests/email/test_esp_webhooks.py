"""ESP inbound webhooks with each provider's real payload shape and signing scheme: a signed
post becomes a message, a bad signature is refused with nothing stored, and the same post
delivered three times is one message."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from channels_adapters.email.models import EmailChannel
from contactcenter.events.models import Event
from contactcenter.interactions.models import Interaction, TranscriptEntry
from tests.email.esp_payloads import (
    INBOX,
    MAILGUN_KEY,
    SECRET,
    TOPIC,
    CertificateServer,
    basic,
    mailgun_post,
    postmark_post,
    sendgrid_post,
    sendgrid_public_key,
    ses_post,
    sns_pattern,
)
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db


def channel_for(intake: str, **fields) -> EmailChannel:
    return EmailChannel.objects.create(
        name=f"{intake} inbox",
        addresses=INBOX,
        intake=intake,
        queue=a_queue(f"{intake} queue", entry=None),
        **fields,
    )


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def sns_host():
    server = CertificateServer()
    yield server
    server.server.shutdown()


# -- the behaviours, for each ESP -------------------------------------------------------------


@pytest.fixture
def esp(request, sns_host):
    """(post(client, message_id=..., bad=False), expected text) for the ESP named."""
    name = request.param
    if name == "mailgun":
        channel_for("mailgun", signing_key=MAILGUN_KEY)
        return lambda c, bad=False, **kw: mailgun_post(
            c, **kw, **({"key": "key-wrong"} if bad else {})
        ), "Please send the receipt."
    if name == "sendgrid":
        channel_for("sendgrid", signing_key=sendgrid_public_key())
        other = ec.generate_private_key(ec.SECP256R1())
        return lambda c, bad=False, **kw: sendgrid_post(
            c, **kw, **({"key": other} if bad else {})
        ), "The shoes are too small."
    if name == "postmark":
        channel_for("postmark", webhook_secret=SECRET)
        return lambda c, bad=False, **kw: postmark_post(
            c, **kw, **({"credentials": "anymail:guess"} if bad else {})
        ), "I returned the parcel last week."
    channel_for("amazon_ses", webhook_secret=SECRET, sns_certificate_url=sns_pattern(sns_host))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return lambda c, bad=False, **kw: ses_post(
        c, sns_host, **kw, **({"key": other} if bad else {})
    ), "Please cancel it from next month."


ESPS = ["mailgun", "sendgrid", "postmark", "amazon_ses"]


@pytest.mark.parametrize("esp", ESPS, indirect=True)
def test_a_signed_inbound_post_becomes_a_queued_email_interaction(client, esp):
    post, text = esp

    response = post(client)

    assert response.status_code == 200, response.content
    (accepted,) = response.json()["accepted"]
    interaction = Interaction.objects.get(pk=accepted["interaction_id"])
    assert (interaction.channel, interaction.channel_key, interaction.state) == (
        "email",
        INBOX,
        "queued",
    )
    entry = TranscriptEntry.objects.get(kind="inbound")
    assert entry.text.strip() == text
    assert entry.author_name == "Carla Díaz"


@pytest.mark.parametrize("esp", ESPS, indirect=True)
def test_a_bad_signature_is_refused_and_nothing_is_stored(client, esp, media):
    post, _ = esp

    response = post(client, bad=True)

    assert response.status_code in (400, 403), response.content
    assert "error" in response.json()
    assert not Event.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("esp", ESPS, indirect=True)
def test_the_same_post_delivered_three_times_is_one_message(client, esp):
    post, _ = esp

    responses = [post(client, message_id="<same-one@mail.example.org>") for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.json()["accepted"][0]["duplicate"] for r in responses] == [False, True, True]
    assert Event.objects.filter(type="MessageReceived").count() == 1
    assert Interaction.objects.count() == 1


def test_mailgun_attachments_are_stored(client, media):
    channel_for("mailgun", signing_key=MAILGUN_KEY)

    mailgun_post(client)

    (attachment,) = TranscriptEntry.objects.get(kind="inbound").attachments
    assert (attachment["name"], attachment["size"]) == ("order.pdf", 14)
    assert len(stored_files(media)) == 2  # the attachment and the raw message


def test_an_unsigned_sendgrid_post_is_refused(client):
    channel_for("sendgrid", signing_key=sendgrid_public_key())

    response = client.post("/hooks/email/sendgrid/inbound/", {"headers": "From: x@example.org"})

    assert response.status_code == 403
    assert "Signature header missing" in response.json()["error"]


def test_sns_asks_for_credentials_before_it_sends_them(client, sns_host):
    channel_for("amazon_ses", webhook_secret=SECRET, sns_certificate_url=sns_pattern(sns_host))

    response = client.post("/hooks/email/amazon_ses/inbound/", "{}", content_type="text/plain")

    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")


def test_an_sns_certificate_from_elsewhere_is_refused(client, sns_host):
    channel_for("amazon_ses", webhook_secret=SECRET)  # the real SNS pattern: amazonaws.com only

    response = ses_post(client, sns_host)

    assert response.status_code == 403
    assert "not an Amazon SNS certificate" in response.json()["error"]
    assert not Event.objects.exists()


def test_a_signed_sns_subscription_confirmation_is_confirmed(client, sns_host):
    channel_for("amazon_ses", webhook_secret=SECRET, sns_certificate_url=sns_pattern(sns_host))
    confirmation = sns_host.sign(
        {
            "Type": "SubscriptionConfirmation",
            "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a",
            "TopicArn": TOPIC,
            "Message": "You have chosen to subscribe to the topic ...",
            "SubscribeURL": f"{sns_host.base}/?Action=ConfirmSubscription&Token=2336412f",
            "Timestamp": "2025-03-04T08:00:00.000Z",
        }
    )

    response = client.post(
        "/hooks/email/amazon_ses/inbound/",
        json.dumps(confirmation),
        content_type="text/plain; charset=UTF-8",
        headers={
            "x-amz-sns-message-type": "SubscriptionConfirmation",
            "x-amz-sns-message-id": confirmation["MessageId"],
            "Authorization": basic(SECRET),
        },
    )

    assert response.status_code == 200
    assert "/?Action=ConfirmSubscription&Token=2336412f" in sns_host.visits


@pytest.mark.parametrize(
    "body", ["{not json", "[]", '"mail"', '{"Headers": ' + "[" * 100_000 + "]" * 100_000 + "}"]
)
def test_a_malformed_payload_is_a_400_with_the_reason(client, body):
    channel_for("postmark", webhook_secret=SECRET)

    response = client.post(
        "/hooks/email/postmark/inbound/",
        body,
        content_type="application/json",
        headers={"Authorization": basic(SECRET)},
    )

    assert response.status_code == 400 and "malformed Postmark webhook" in response.json()["error"]


def test_an_unknown_esp_is_a_404_and_a_known_one_answers_the_esps_url_check(client):
    assert client.post("/hooks/email/pigeon/inbound/", {}).status_code == 404
    assert client.head("/hooks/email/mailgun/inbound/").status_code == 200
    assert client.get("/hooks/email/mailgun/inbound/").status_code == 405
