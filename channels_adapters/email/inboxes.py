"""Which configured inbox an address is: `support@…` and `support+anything@…` alike.

Every message asks (RCPT TO, DATA, loop checks), and channels change rarely, so the active
channels are kept for a moment per process: edits in this process apply at once (signals),
in others within TTL_SECONDS.
"""

import time
from dataclasses import dataclass

from channels_adapters.email.addresses import split_plus
from channels_adapters.email.models import EmailChannel


@dataclass(frozen=True)
class Inbox:
    channel: EmailChannel
    address: str  # the inbox's own address, without any plus tag


TTL_SECONDS = 2.0
_cached: tuple[float, list[EmailChannel]] | None = None


def forget(*args, **kwargs) -> None:
    global _cached
    _cached = None


def active_channels(intake: str | None = None) -> list[EmailChannel]:
    global _cached
    if _cached is None or time.monotonic() - _cached[0] > TTL_SECONDS:
        _cached = (time.monotonic(), list(EmailChannel.objects.filter(active=True)))
    return [c for c in _cached[1] if intake is None or c.intake == intake]


def resolve(address: str, *, intake: str | None = None) -> Inbox | None:
    base, _ = split_plus(address)
    for channel in active_channels(intake):
        if base in channel.inboxes:
            return Inbox(channel, base)
    return None


def first_of(channel: EmailChannel, addresses: list[str]) -> Inbox:
    """The inbox of `channel` among `addresses`, else its main one (an ESP forwarded it)."""
    for address in addresses:
        base, _ = split_plus(address)
        if base in channel.inboxes:
            return Inbox(channel, base)
    return Inbox(channel, channel.primary_address)


def our_addresses() -> set[str]:
    return {address for channel in active_channels() for address in channel.inboxes}
