"""Each ESP's inbound webhook as the ESP sends it: real payload shapes and signing schemes,
signed with keys the tests make (the ESPs' own, for SES a certificate served on loopback)."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart

from channels_adapters.email.sns import string_to_sign
from tests import local_http

INBOX = "support@example.com"
SECRET = "anymail:s3cr3t-webhook-pass"
MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-inbound"


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


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
        local_http.serve(self.server)

    def sign(self, message: dict, key=None) -> dict:
        message = {
            **message,
            "SignatureVersion": "1",
            "SigningCertURL": f"{self.base}/SimpleNotificationService-{CERT_NAME}.pem",
        }
        signature = (key or self.key).sign(
            string_to_sign(message), padding.PKCS1v15(), hashes.SHA1()
        )
        return {**message, "Signature": base64.b64encode(signature).decode()}


def ses_raw(message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Carla Díaz <carla@example.org>"
    message["To"] = INBOX
    message["Subject"] = "Cancel my subscription"
    message["Message-ID"] = message_id
    message.set_content("Please cancel it from next month.")
    return message.as_bytes()


def ses_post(client, sns_host, message_id="<ses-1@mail.example.org>", *, key=None):
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
