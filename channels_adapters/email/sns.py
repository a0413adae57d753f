"""Amazon SNS message signatures, which anymail does not check ("Future: Verify SNS message
signature" in its Amazon SES webhook): the scheme AWS documents under "Verifying the
signatures of Amazon SNS messages".

The signed text is `Name\\nvalue\\n` for a fixed list of fields in a fixed order; the signature
is RSA PKCS#1 v1.5 over SHA-1 (SignatureVersion 1) or SHA-256 (2), by the certificate at
SigningCertURL, which must be an Amazon SNS URL (the channel's pattern) so nobody can sign
with a certificate of their own.
"""

import base64
import re
import threading
import urllib.request
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_FIELDS = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
FETCH_TIMEOUT = 10
MAX_CERTIFICATE_BYTES = 64 * 1024

_certificates: dict[str, x509.Certificate] = {}
_lock = threading.Lock()


class SnsSignatureError(ValueError):
    pass


def string_to_sign(message: dict[str, Any]) -> bytes:
    kind = message.get("Type")
    fields = NOTIFICATION_FIELDS if kind == "Notification" else CONFIRMATION_FIELDS
    lines = []
    for name in fields:
        if name in message and message[name] is not None:
            lines += [name, str(message[name])]
    return ("\n".join(lines) + "\n").encode("utf-8")


def verify(message: dict[str, Any], certificate_url_pattern: str) -> None:
    """Raise SnsSignatureError unless `message` is signed by an SNS certificate."""
    version = str(message.get("SignatureVersion", ""))
    if version not in HASHES:
        raise SnsSignatureError(f"unsupported SNS SignatureVersion {version!r}")
    url = str(message.get("SigningCertURL") or message.get("SigningCertUrl") or "")
    if not re.match(certificate_url_pattern, url):
        raise SnsSignatureError(f"SigningCertURL {url!r} is not an Amazon SNS certificate")
    try:
        signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
    except ValueError:
        raise SnsSignatureError("the SNS signature is not base64") from None
    public_key = certificate(url).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise SnsSignatureError("the SNS certificate does not hold an RSA key")
    try:
        public_key.verify(signature, string_to_sign(message), padding.PKCS1v15(), HASHES[version]())
    except InvalidSignature:
        raise SnsSignatureError("the SNS signature does not match the message") from None


def certificate(url: str) -> x509.Certificate:
    """The signing certificate at `url`, fetched once per process (SNS rotates it rarely)."""
    with _lock:
        if url in _certificates:
            return _certificates[url]
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
            pem = response.read(MAX_CERTIFICATE_BYTES)
        cert = x509.load_pem_x509_certificate(pem)
    except (OSError, ValueError) as error:
        raise SnsSignatureError(f"cannot load the SNS certificate {url}: {error}") from None
    with _lock:
        _certificates[url] = cert
    return cert


def confirm_subscription(message: dict[str, Any], certificate_url_pattern: str) -> None:
    """Visit a verified SubscriptionConfirmation's SubscribeURL, as AWS asks, on the same
    SNS host as its certificate."""
    url = str(message.get("SubscribeURL", ""))
    host = re.match(r"^(https?://[^/]+)/", str(message.get("SigningCertURL", "")))
    if not host or not url.startswith(host.group(1) + "/"):
        raise SnsSignatureError(f"SubscribeURL {url!r} is not on the SNS host")
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
        response.read(MAX_CERTIFICATE_BYTES)
