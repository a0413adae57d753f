"""The key-encryption key (KEK): it wraps every customer's data key, and never leaves here.

Pluggable: PRIVACY_KEY_WRAPPER names a class with `wrap(data_key: bytes, customer_id: str) ->
bytes` and `unwrap(wrapped: bytes, customer_id: str) -> bytes`, e.g. one that calls a cloud KMS.
The default wraps locally with AES-256-GCM under PRIVACY_KEK (base64 of 32 bytes), or, unset, a
key derived from SECRET_KEY (fine for a demo; set PRIVACY_KEK in production and keep it apart
from the database backups).

Rotation: a new key wraps every data key made from then on, and the keys it replaced still
unwrap those made before: PRIVACY_KEK_FALLBACKS, and the keys derived from SECRET_KEY and
SECRET_KEY_FALLBACKS (Django's own rotation, which without this left every returning
customer's data unopenable: a 500 on their next message). `manage.py rewrap_data_keys` wraps
every stored data key under the current KEK, after which the old keys may go.
"""

import base64
import functools
import os
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.module_loading import import_string


class KeyWrapper(Protocol):
    def wrap(self, data_key: bytes, customer_id: str) -> bytes: ...

    def unwrap(self, wrapped: bytes, customer_id: str) -> bytes: ...


class LocalKeyWrapper:
    """AES-256-GCM under a KEK held in the settings; unwraps under the KEKs it replaced too."""

    def __init__(self, kek: bytes | None = None):
        self._current, *self._replaced = [AESGCM(k) for k in ([kek] if kek else configured_keks())]

    def wrap(self, data_key: bytes, customer_id: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._current.encrypt(nonce, data_key, customer_id.encode())

    def unwrap(self, wrapped: bytes, customer_id: str) -> bytes:
        for aead in (self._current, *self._replaced):  # the replaced: wrapped before a rotation
            try:
                return aead.decrypt(wrapped[:12], wrapped[12:], customer_id.encode())
            except InvalidTag:
                continue
        raise InvalidTag(f"no configured KEK unwraps the data key {customer_id}")

    def is_current(self, wrapped: bytes, customer_id: str) -> bool:
        """Whether `wrapped` is wrapped under the current KEK (rewrap_data_keys)."""
        try:
            self._current.decrypt(wrapped[:12], wrapped[12:], customer_id.encode())
        except InvalidTag:
            return False
        return True


def configured_keks() -> list[bytes]:
    """The KEK, then those it replaced: PRIVACY_KEK_FALLBACKS, then the ones derived from
    SECRET_KEY and its fallbacks (where PRIVACY_KEK is set, those wrapped what was made before
    it was)."""
    explicit = [_decoded(name, value) for name, value in _explicit()]
    derived = [_derived(secret) for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
    keks = []
    for kek in explicit + derived:
        if kek not in keks:
            keks.append(kek)
    return keks


def _explicit() -> list[tuple[str, str]]:
    current = [("PRIVACY_KEK", settings.PRIVACY_KEK)] if settings.PRIVACY_KEK else []
    return current + [("PRIVACY_KEK_FALLBACKS", old) for old in settings.PRIVACY_KEK_FALLBACKS]


def _decoded(name: str, value: str) -> bytes:
    kek = base64.b64decode(value)
    if len(kek) != 32:
        raise ValueError(f"{name} must be the base64 of 32 random bytes")
    return kek


def _derived(secret: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"contactcenter privacy kek"
    ).derive(secret.encode())


@functools.cache
def wrapper() -> KeyWrapper:
    return import_string(settings.PRIVACY_KEY_WRAPPER)()
