"""The surface every channel adapter offers the rest of the platform.

Inbound, an adapter calls `ingest(InboundMessage(...))` from its view, consumer or listener
after checking the request is authentic. Outbound, it registers a `ChannelAdapter`; the outbox
(`contactcenter.outbox`) hands it each `MessageSent` of its channel once committed, retries
`TemporaryFailure` with backoff, and records the outcome as an event.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Capabilities:
    realtime: bool  # the customer is there now (chat, call) rather than later (email)
    html: bool = False
    attachments: bool = False
    subject: bool = False
    max_length: int | None = None  # characters of text per message, if limited
    voice: bool = False
    delivered_by_push: bool = False  # the browser gets it over the WebSocket, not the outbox


@dataclass(frozen=True)
class OutboundMessage:
    interaction_id: str
    message_id: str
    channel: str
    channel_key: str  # which configured channel the interaction came in on
    threading_key: str
    to_address: str  # the customer's identity address on this channel
    to_name: str = ""
    text: str = ""
    html: str = ""
    subject: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    author: str = ""
    author_name: str = ""
    channel_data: dict[str, Any] = field(default_factory=dict)
    attempt: int = 1  # the outbox's count: 1 is the first send, later ones are retries
    max_attempts: int = 1

    @property
    def retry(self) -> str:
        """ "retry 2 of 5" when this is a send again, else "": a log line that says so is not
        mistaken for a new message to the customer."""
        if self.attempt <= 1:
            return ""
        return f"retry {self.attempt - 1} of {self.max_attempts - 1}"


@dataclass(frozen=True)
class DeliveryResult:
    status: str = "sent"  # sent, delivered
    external_id: str = ""


class DeliveryError(Exception):
    pass


class TemporaryFailure(DeliveryError):
    """Try again later (the provider is down, rate-limited, a 5xx)."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """Do not try again (an invalid address, an opted-out number, a 4xx refusal)."""


class ChannelAdapter(Protocol):
    channel: str
    capabilities: Capabilities

    def send(self, message: OutboundMessage) -> DeliveryResult: ...


_adapters: dict[str, ChannelAdapter] = {}


def register(adapter: ChannelAdapter) -> ChannelAdapter:
    _adapters[adapter.channel] = adapter
    return adapter


def adapter_for(channel: str) -> ChannelAdapter | None:
    return _adapters.get(channel)


def capabilities(channel: str) -> Capabilities:
    adapter = _adapters.get(channel)
    return adapter.capabilities if adapter else Capabilities(realtime=False)
