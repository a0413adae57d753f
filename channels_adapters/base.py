"""The surface every channel adapter offers the rest of the platform, and the registry of
channels: the one place that knows which channels exist and what each is like.

Inbound, an adapter calls `ingest(InboundMessage(...))` from its view, consumer or listener
after checking the request is authentic. Outbound, it registers a `Channel` (from its
AppConfig.ready()) whose `adapter` the outbox (`contactcenter.outbox`) hands each
`MessageSent` of its channel once committed, retries `TemporaryFailure` with backoff, and
records the outcome as an event. Routing, capacity, KPIs, flows, the console and the URLs read
what they need to know about a channel from its `Channel` here, never from its name.

Pure: importable without Django settings.
"""

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
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
    # delivers files kept in our storage (an agent's upload from the console); a channel
    # whose provider fetches media from a public URL of its own (MMS) does not, yet
    stored_files: bool = False


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


@dataclass(frozen=True)
class Billing:
    """What a channel's provider bills, in units counted from the events of its interactions
    (an SMS segment each way, a voice minute begun, an e-mail sent). The cost-per-contact KPI
    prices a unit with COST_PER_CHANNEL_UNIT (docs/kpis.md)."""

    unit: str  # for people: "segment", "minute", "e-mail"
    events: frozenset[str]  # the event types that may cost units
    units: Callable[[str, Mapping[str, Any]], int]  # (event type, its data) -> units


@dataclass(frozen=True)
class Channel:
    """What the platform knows about one channel, declared by its adapter."""

    name: str  # the channel's id in events and rows (at most 10 characters)
    label: str  # for people: admin, reports, the console
    identity_kind: str  # the kind of ContactIdentity its customers are reached at
    adapter: ChannelAdapter  # sends outbound messages (and says its capabilities)
    default_capacity: int = 3  # an agent's capacity without an AgentCapacity row
    max_capacity: int = 50  # TaskRouter's published ceiling per worker per channel
    exclusive: bool = False  # while an agent has one, nothing else is offered (a call)
    # False: flows do not run on arrival; a new interaction gets the entry flow's written
    # acknowledgement instead (e-mail: nobody answers a menu by mail).
    self_service: bool = True
    menus: str = ""  # how flow menus look to the customer (docs and admin help)
    # The adapter's urlconf module: its `hooks` (what providers call) are mounted under
    # /hooks/, its `urlpatterns` (its own pages: a widget, attachments) at the root.
    urls: str | None = None
    # What the console shows beside a conversation of this channel (a consent banner, the
    # templates a closed window allows): called with the interaction's row; None for nothing.
    console: Callable[[Any], Mapping[str, Any] | None] | None = None
    # Supervisor alerts posted to the channel's own people (Slack): called with the text,
    # returns how many destinations took it.
    alerts: Callable[[str], int] | None = None
    # The satisfaction survey sent when an agent's conversation on this channel closes
    # (contactcenter/csat/surveys.py): called with the interaction's id, returns the survey
    # message's fields (text, html, subject, channel_data). None: no survey message (web chat
    # asks in the widget, a call asks on the call).
    survey: Callable[[str], Mapping[str, Any]] | None = None
    billing: Billing | None = None  # what its provider charges per contact; None: nothing
    # What the channel ends as the server process stops (voice: the calls' WebRTC legs here,
    # each with its reason): awaited on the server's loop before it closes.
    stopping: Callable[[], Awaitable[None]] | None = None

    @property
    def capabilities(self) -> Capabilities:
        return self.adapter.capabilities

    @property
    def realtime(self) -> bool:
        return self.capabilities.realtime


def with_billed_units(event: Any) -> Any:
    """The event with the units its channel's provider bills for it (`units`), counted from
    its words as it is appended (contactcenter.events.aggregate's stamp): its words may be
    erased later, its cost must stay. Other events, and other channels, as they are."""
    known = _channels.get(getattr(event, "channel", ""))
    billing = known.billing if known is not None else None
    if billing is None or event.type not in billing.events or not hasattr(event, "units"):
        return event
    if event.units is not None:
        return event
    return dataclasses.replace(event, units=billing.units(event.type, event.to_data()))


def text_menu(text: str, channel_data: Mapping[str, Any]) -> str:
    """A flow's choices as a numbered text menu, for channels of plain text (SMS, e-mail):
    "… Reply 1 for Billing, 2 for Sales."."""
    options = (channel_data.get("flow") or {}).get("options") or []
    if not options:
        return text
    choices = [f"{o['value']} for {o['label']}" for o in options]
    menu = "Reply " + (
        choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"
    )
    return f"{text}\n{menu}." if text else f"{menu}."


class ChannelClash(ValueError):
    pass


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    """Called from an adapter's AppConfig.ready()."""
    if len(channel.name) > 10:
        raise ChannelClash(f"channel name {channel.name!r} is longer than 10 characters")
    _channels[channel.name] = channel  # again: the same app's ready() twice, or a test's swap
    return channel


def channel(name: str) -> Channel | None:
    return _channels.get(name)


def channels() -> list[Channel]:
    """Every registered channel, in the order INSTALLED_APPS lists their adapters."""
    return list(_channels.values())


def names() -> list[str]:
    return list(_channels)


def choices() -> list[tuple[str, str]]:
    """(name, label) of every channel: for model fields, forms and filters."""
    return [(c.name, c.label) for c in _channels.values()]


def realtime() -> frozenset[str]:
    """Channels whose customer is there now (chat, call): a full queue turns them away."""
    return frozenset(c.name for c in _channels.values() if c.realtime)


def asynchronous() -> frozenset[str]:
    """Channels answered later (mail, texts): their KPIs count time to first response."""
    return frozenset(c.name for c in _channels.values() if not c.realtime)


def exclusive() -> frozenset[str]:
    return frozenset(c.name for c in _channels.values() if c.exclusive)


def billed_events() -> frozenset[str]:
    """Every event type some channel's provider bills units for."""
    return frozenset(t for c in _channels.values() if c.billing for t in c.billing.events)


def identity_kind(name: str) -> str:
    known = _channels.get(name)
    return known.identity_kind if known else name


def default_capacities() -> dict[str, int]:
    return {c.name: c.default_capacity for c in _channels.values()}


def adapter_for(name: str) -> ChannelAdapter | None:
    known = _channels.get(name)
    return known.adapter if known else None


def capabilities(name: str) -> Capabilities:
    known = _channels.get(name)
    return known.capabilities if known else Capabilities(realtime=False)


# -- the web chat widget's visitors, for another channel served in the same widget ------------
# A customer may call from the widget (voice's web call). Adapters do not import each other,
# so the web chat adapter registers how its signed visitor token is read, and the voice
# adapter asks here: (the web chat channel's key, the visitor's id), or UnknownVisitor.


class UnknownVisitor(Exception):
    """The token names no visitor of a web chat that still exists (forged, expired, gone)."""


_web_visitors: list[Callable[[str], tuple[str, str]]] = []


def read_web_visitors(verify: Callable[[str], tuple[str, str]]) -> None:
    """Called from the web chat adapter's AppConfig.ready(); `verify` may touch the database
    and raises UnknownVisitor saying why a token is refused."""
    _web_visitors[:] = [verify]


def web_visitor(token: str) -> tuple[str, str]:
    if not _web_visitors:
        raise UnknownVisitor("web chat is not installed")
    return _web_visitors[0](token)
