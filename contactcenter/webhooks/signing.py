"""Signatures as the Standard Webhooks specification has them: HMAC-SHA256 over
"<id>.<timestamp>.<body>", base64, in `webhook-signature: v1,<signature>`."""

import base64
import hashlib
import hmac

PREFIX = "whsec_"


def key_of(secret: str) -> bytes:
    if secret.startswith(PREFIX):
        return base64.b64decode(secret[len(PREFIX) :])
    return secret.encode()


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "contactcenter-webhooks/1",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, webhook_id, timestamp, body),
    }


def verify(secret: str, received: dict[str, str], body: bytes) -> bool:
    """What a receiver does (and the tests): any of the space-separated v1 signatures fits."""
    lowered = {k.lower(): v for k, v in received.items()}
    expected = signature(secret, lowered["webhook-id"], int(lowered["webhook-timestamp"]), body)
    return any(
        hmac.compare_digest(expected, given) for given in lowered["webhook-signature"].split()
    )
