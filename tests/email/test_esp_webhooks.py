"""ESP inbound webhooks with each provider's real payload shape and signing scheme: a signed
post becomes a message, a bad signature is refused with nothing stored, and the same post
delivered three times is one message."""

import base64
import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart

from channels_adapters.email.models import EmailChannel
from contactcenter.events.models import Event
from contactcenter.interactions.models import Interaction, TranscriptEntry
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db

INBOX = "support@example.com"
SECRET = "anymail:s3cr3t-webhook-pass"
MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"


def channel_for(intake: str, **fields) -> EmailChannel:
    return EmailChannel.objects.create(
        name=f"{intake} inbox",
        addresses=INBOX,
        intake=intake,
        queue=a_queue(f"{intake} queue", entry=None),
        **fields,
    )


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# -- Mailgun: forward() route, fully parsed fields, HMAC-SHA256 over timestamp + token -------


def mailgun_post(client, message_id="<CAHk3mP9xq@mail.gmail.com>", *, key=MAILGUN_KEY):
    timestamp, token = "1741079700", "b7e2c7a1d3f04e6c9a8b5d2e1f0c3b4a5d6e7f8091a2b3c4d5"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    headers = [
        ["Received", "by mail-wr1-f41.google.com with SMTP id 5b1f17b1804b1"],
        ["Mime-Version", "1.0"],
        ["From", "Carla Díaz <carla@example.org>"],
        ["Date", "Tue, 4 Mar 2025 09:15:00 +0100"],
        ["Message-Id", message_id],
        ["Subject", "Receipt missing"],
        ["To", INBOX],
        ["Content-Type", 'multipart/mixed; boundary="000000000000a1b2c3"'],
    ]
    return client.post(
        "/hooks/email/mailgun/inbound/",
        {
            "recipient": INBOX,
            "sender": "carla@example.org",
            "from": "Carla Díaz <carla@example.org>",
            "subject": "Receipt missing",
            "body-plain": "Please send the receipt.\r\n",
            "stripped-text": "Please send the receipt.",
            "stripped-signature": "",
            "body-html": '<div dir="ltr">Please send the <b>receipt</b>.</div>\r\n',
            "stripped-html": '<div dir="ltr">Please send the <b>receipt</b>.</div>',
            "attachment-count": "1",
            "attachment-1": SimpleUploadedFile("order.pdf", b"%PDF-1.4 order", "application/pdf"),
            "content-id-map": "{}",
            "message-headers": json.dumps(headers),
            "timestamp": timestamp,
            "token": token,
            "signature": signature.hexdigest(),
        },
    )


# -- SendGrid: Inbound Parse (parsed), ECDSA P-256 signature of timestamp + body -------------

SENDGRID_KEY = ec.generate_private_key(ec.SECP256R1())


def sendgrid_public_key(key=SENDGRID_KEY) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def sendgrid_post(client, message_id="<sg-1@mail.example.org>", *, key=SENDGRID_KEY):
    raw_headers = (
        "Received: by mx0047p1mdw1.sendgrid.net with SMTP id 6WCVv7KAWn\n"
        "From: Carla Díaz <carla@example.org>\n"
        f"To: {INBOX}\n"
        "Subject: Wrong size\n"
        f"Message-ID: {message_id}\n"
        "Date: Tue, 4 Mar 2025 09:15:00 +0100\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="001a113df448cad2d704df7d5"\n'
    )
    body = encode_multipart(
        "xYzZY",  # the boundary SendGrid uses
        {
            "headers": raw_headers,
            "dkim": "{@example.org : pass}",
            "to": INBOX,
            "from": "Carla Díaz <carla@example.org>",
            "subject": "Wrong size",
            "text": "The shoes are too small.\n",
            "html": "<p>The shoes are too small.</p>\n",
            "sender_ip": "209.85.223.170",
            "spam_score": "0.1",
            "spam_report": "Spam detection software ...",
            "envelope": json.dumps({"to": [INBOX], "from": "carla@example.org"}),
            "attachments": "0",
            "charsets": json.dumps(
                {
                    "to": "UTF-8",
                    "html": "UTF-8",
                    "subject": "UTF-8",
                    "from": "UTF-8",
                    "text": "UTF-8",
                }
            ),
            "SPF": "pass",
        },
    )
    timestamp = "1741079700"
    signature = key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return client.post(
        "/hooks/email/sendgrid/inbound/",
        body,
        content_type="multipart/form-data; boundary=xYzZY",
        headers={
            "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
            "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
        },
    )


# -- Postmark: inbound JSON, basic auth in the webhook URL -----------------------------------


def postmark_post(client, message_id="<pm-1@mail.example.org>", *, credentials=SECRET):
    payload = {
        "FromName": "Carla Díaz",
        "MessageStream": "inbound",
        "From": "carla@example.org",
        "FromFull": {"Email": "carla@example.org", "Name": "Carla Díaz", "MailboxHash": ""},
        "To": INBOX,
        "ToFull": [{"Email": INBOX, "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": INBOX,
        "Subject": "Refund please",
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Tue, 4 Mar 2025 09:15:00 +0100",
        "TextBody": "I returned the parcel last week.",
        "HtmlBody": "<p>I returned the parcel last week.</p>",
        "StrippedTextReply": "I returned the parcel last week.",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<carla@example.org>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "X-Spam-Score", "Value": "-0.1"},
            {"Name": "Received-SPF", "Value": "Pass"},
            {"Name": "MIME-Version", "Value": "1.0"},
            {"Name": "Message-ID", "Value": message_id},
        ],
        "Attachments": [
            {
                "Name": "label.png",
                "Content": base64.b64encode(b"\x89PNG label").decode(),
                "ContentType": "image/png",
                "ContentLength": 10,
                "ContentID": "",
            }
        ],
    }
    return client.post(
        "/hooks/email/postmark/inbound/",
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": basic(credentials)},
    )


# -- Amazon SES: receipt rule -> SNS notification (signed), raw MIME in base64 ---------------


CERT_NAME = "9c6465fa7f48f5cacd23014631ec1136"


class CertificateServer:
    """Stands in for sns.<region>.amazonaws.com: serves the signing certificate and takes
    subscription confirmations, on a free loopback port."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = datetime.now(UTC)
        self.pem = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .sign(self.key, hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM)
        )
        self.visits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.visits.append(self.path)
                body = (
                    outer.pem if self.path.endswith(".pem") else b"<ConfirmSubscriptionResponse/>"
                )
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def sign(self, message: dict, key=None) -> dict:
        from channels_adapters.email.sns import string_to_sign

        message = {
            **message,
            "SignatureVersion": "1",
            "SigningCertURL": f"{self.base}/SimpleNotificationService-{CERT_NAME}.pem",
        }
        signature = (key or self.key).sign(
            string_to_sign(message), padding.PKCS1v15(), hashes.SHA1()
        )
        return {**message, "Signature": base64.b64encode(signature).decode()}


@pytest.fixture(scope="module")
def sns_host():
    server = CertificateServer()
    yield server
    server.server.shutdown()


TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-inbound"


def ses_raw(message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Carla Díaz <carla@example.org>"
    message["To"] = INBOX
    message["Subject"] = "Cancel my subscription"
    message["Message-ID"] = message_id
    message.set_content("Please cancel it from next month.")
    return message.as_bytes()


def ses_post(client, sns_host, message_id="<ses-1@mail.example.org>", *, key=None, kind=None):
    content = ses_raw(message_id)
    notification = {
        "notificationType": "Received",
        "mail": {
            "timestamp": "2025-03-04T08:15:00.000Z",
            "source": "carla@example.org",
            "messageId": "o3vrnil0e2ic28trm7dfhrc2v0cnbk9ksem5j7g01",
            "destination": [INBOX],
            "headersTruncated": False,
            "headers": [{"name": "Subject", "value": "Cancel my subscription"}],
            "commonHeaders": {"from": ["Carla Díaz <carla@example.org>"], "to": [INBOX]},
        },
        "receipt": {
            "timestamp": "2025-03-04T08:15:00.000Z",
            "processingTimeMillis": 574,
            "recipients": [INBOX],
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
            "spfVerdict": {"status": "PASS"},
            "dkimVerdict": {"status": "PASS"},
            "dmarcVerdict": {"status": "PASS"},
            "action": {"type": "SNS", "topicArn": TOPIC, "encoding": "BASE64"},
        },
        "content": base64.b64encode(content).decode(),
    }
    envelope = sns_host.sign(
        {
            "Type": "Notification",
            "MessageId": "da41e39f-ea4d-435a-b922-c6aae3915ebe",
            "TopicArn": TOPIC,
            "Subject": "Amazon SES Email Receipt Notification",
            "Message": json.dumps(notification),
            "Timestamp": "2025-03-04T08:15:01.123Z",
            "UnsubscribeURL": f"{sns_host.base}/?Action=Unsubscribe",
        },
        key=key,
    )
    return client.post(
        "/hooks/email/amazon_ses/inbound/",
        json.dumps(envelope),
        content_type="text/plain; charset=UTF-8",
        headers={
            "x-amz-sns-message-type": "Notification",
            "x-amz-sns-message-id": envelope["MessageId"],
            "x-amz-sns-topic-arn": TOPIC,
            "Authorization": basic(SECRET),
        },
    )


def sns_pattern(sns_host) -> str:
    return rf"^{sns_host.base}/SimpleNotificationService-[0-9a-f]+\.pem$"


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


def test_a_malformed_payload_is_a_400_with_the_reason(client):
    channel_for("postmark", webhook_secret=SECRET)

    response = client.post(
        "/hooks/email/postmark/inbound/",
        "{not json",
        content_type="application/json",
        headers={"Authorization": basic(SECRET)},
    )

    assert response.status_code == 400 and "malformed Postmark webhook" in response.json()["error"]


def test_an_unknown_esp_is_a_404_and_a_known_one_answers_the_esps_url_check(client):
    assert client.post("/hooks/email/pigeon/inbound/", {}).status_code == 404
    assert client.head("/hooks/email/mailgun/inbound/").status_code == 200
    assert client.get("/hooks/email/mailgun/inbound/").status_code == 405
