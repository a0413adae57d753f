"""Which configured inbox an address is: `support@…` and `support+anything@…` alike."""

from dataclasses import dataclass

from channels_adapters.email.addresses import split_plus
from channels_adapters.email.models import EmailChannel


@dataclass(frozen=True)
class Inbox:
    channel: EmailChannel
    address: str  # the inbox's own address, without any plus tag


def active_channels(intake: str | None = None) -> list[EmailChannel]:
    channels = EmailChannel.objects.filter(active=True).select_related("queue")
    if intake is not None:
        channels = channels.filter(intake=intake)
    return list(channels)


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
