"""The key-encryption key (KEK): it wraps every customer's data key, and never leaves here.

Pluggable: PRIVACY_KEY_WRAPPER names a class with `wrap(data_key: bytes, customer_id: str) ->
bytes` and `unwrap(wrapped: bytes, customer_id: str) -> bytes`, e.g. one that calls a cloud KMS.
The default wraps locally with AES-256-GCM under PRIVACY_KEK (base64 of 32 bytes), or, unset, a
key derived from SECRET_KEY (fine for a demo; set PRIVACY_KEK in production and keep it apart
from the database backups).
"""

import base64
import functools
import os
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.module_loading import import_string


class KeyWrapper(Protocol):
    def wrap(self, data_key: bytes, customer_id: str) -> bytes: ...

    def unwrap(self, wrapped: bytes, customer_id: str) -> bytes: ...


class LocalKeyWrapper:
    """AES-256-GCM under a KEK held in the settings."""

    def __init__(self, kek: bytes | None = None):
        self._aead = AESGCM(kek or configured_kek())

    def wrap(self, data_key: bytes, customer_id: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data_key, customer_id.encode())

    def unwrap(self, wrapped: bytes, customer_id: str) -> bytes:
        return self._aead.decrypt(wrapped[:12], wrapped[12:], customer_id.encode())


def configured_kek() -> bytes:
    if settings.PRIVACY_KEK:
        kek = base64.b64decode(settings.PRIVACY_KEK)
        if len(kek) != 32:
            raise ValueError("PRIVACY_KEK must be the base64 of 32 random bytes")
        return kek
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"contactcenter privacy kek"
    ).derive(settings.SECRET_KEY.encode())


@functools.cache
def wrapper() -> KeyWrapper:
    return import_string(settings.PRIVACY_KEY_WRAPPER)()
