"""Addresses of our inboxes, plus-addresses and the reply token. Pure functions.

An inbox `support@example.com` also receives `support+anything@example.com`. Our replies ask
customers to answer to `support+TOKEN@example.com`, where TOKEN names the interaction and is
signed with SECRET_KEY, so a reply whose mail client dropped In-Reply-To and References still
finds its conversation, and nobody can forge a token for a conversation they were not in.
"""

import base64
import hashlib
import hmac
import uuid
from email.headerregistry import Address
from email.utils import getaddresses, parseaddr

TOKEN_SIGNATURE_CHARS = 10  # 50 bits of HMAC: forging one is out of reach


def bare(address: str) -> str:
    """`Name <Local@Example.COM>` -> `local@example.com` (empty if it is no address)."""
    _, addr = parseaddr(address or "")
    addr = addr.strip().lower()
    local, at, domain = addr.rpartition("@")
    return addr if local and at and domain else ""


def display(name: str, address: str) -> str:
    """`Carla Díaz <carla@example.org>`: readable, quoted where the name needs it."""
    try:
        return str(Address(display_name=name or "", addr_spec=address))
    except (ValueError, IndexError):
        return address


def split_plus(address: str) -> tuple[str, str]:
    """`support+tok@example.com` -> (`support@example.com`, `tok`); no plus: tag is ''."""
    addr = bare(address)
    local, _, domain = addr.rpartition("@")
    base, plus, tag = local.partition("+")
    return (f"{base}@{domain}" if plus else addr), tag


def plus_address(inbox: str, tag: str) -> str:
    local, _, domain = bare(inbox).rpartition("@")
    return f"{local}+{tag}@{domain}"


def all_addresses(values: list[str]) -> list[str]:
    """Every bare address in header values such as To or Cc, in order, without repeats."""
    seen: dict[str, None] = {}
    for _, addr in getaddresses([v for v in values if v]):
        addr = bare(addr)
        if addr:
            seen.setdefault(addr)
    return list(seen)


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=").lower()


def _signature(interaction_id: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), f"reply-token:{interaction_id}".encode(), hashlib.sha256)
    return _b32(mac.digest())[:TOKEN_SIGNATURE_CHARS]


def reply_token(interaction_id: str, secret: str) -> str:
    """A short, lower-case token naming the interaction (mail systems may fold case)."""
    return _b32(uuid.UUID(interaction_id).bytes) + _signature(interaction_id, secret)


def read_token(token: str, secret: str) -> str | None:
    """The interaction a reply token names, or None if it is not one of ours."""
    token = token.strip().lower()
    if len(token) != 26 + TOKEN_SIGNATURE_CHARS:
        return None
    try:
        raw = base64.b32decode(token[:26].upper() + "======")
        interaction_id = str(uuid.UUID(bytes=raw))
    except ValueError:
        return None
    if not hmac.compare_digest(token[26:], _signature(interaction_id, secret)):
        return None
    return interaction_id
