"""Envelope encryption of one value with a customer's data key (AES-256-GCM), pure.

A sealed value is a string `pii1:<key id>:<base64url(nonce + ciphertext)>`, so it fits any JSON
field and says which key opens it (a customer's own, or one retention bucket of theirs); the key
id is bound to the ciphertext as associated data (a value cannot be moved under another
customer's key and still open).
"""

import base64
import functools
import os
from typing import Any

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "pii1:"
NONCE_BYTES = 12
KEY_BYTES = 32


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def owner_of(sealed: str) -> str:
    """The id of the key that opens `sealed`."""
    return sealed[len(PREFIX) : sealed.index(":", len(PREFIX))]


@functools.lru_cache(maxsize=4096)
def _cipher(data_key: bytes) -> AESGCM:
    return AESGCM(data_key)


def seal(data_key: bytes, key_id: str, value: Any) -> str:
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = _cipher(data_key).encrypt(nonce, orjson.dumps(value), key_id.encode())
    token = base64.urlsafe_b64encode(nonce + ciphertext).decode().rstrip("=")
    return f"{PREFIX}{key_id}:{token}"


def open_(data_key: bytes, sealed: str) -> Any:
    colon = sealed.index(":", len(PREFIX))
    key_id, token = sealed[len(PREFIX) : colon], sealed[colon + 1 :]
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    plain = _cipher(data_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode())
    return orjson.loads(plain)
