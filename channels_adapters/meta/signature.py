"""X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256 of the raw request body, keyed with
the Meta app's secret. Pure."""

import hashlib
import hmac
from collections.abc import Iterable

HEADER = "X-Hub-Signature-256"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_with(secrets: Iterable[str], body: bytes, header: str) -> str | None:
    """The secret among `secrets` that signed `body`, or None (a missing or bad signature)."""
    if not header.startswith("sha256="):
        return None
    for secret in secrets:
        if secret and hmac.compare_digest(sign(secret, body), header):
            return secret
    return None
