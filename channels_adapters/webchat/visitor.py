"""What a widget visitor can do and see. Synchronous, database-touching: the visitor socket
calls these through `database_sync_to_async`. A visitor only ever reaches the interaction their
own signed token leads to: its threading key is their visitor id."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.utils.html import strip_tags

from channels_adapters.webchat.configured import Topic, configured
from channels_adapters.webchat.models import WebChatChannel
from channels_adapters.webchat.tokens import Visitor
from contactcenter import clock
from contactcenter.attachments.files import SHOWN_INLINE, limits
from contactcenter.commands import command
from contactcenter.events import row_statements
from contactcenter.events.context import acting_as
from contactcenter.interactions import activity
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.ingest import Attachment, InboundMessage, IngestResult, ingest
from contactcenter.interactions.models import Interaction, ThreadKey, TranscriptEntry
from crm import customers
from crm.identities import IdentityKind, InvalidIdentity, normalise
from crm.models import ContactIdentity, Customer
from routing import admission, config, waiting
from routing.models import AgentProfile

MAX_TEXT = 5000
WAITING = ("new", "self_service", "queued", "offered")


@dataclass
class Profile:
    """What the pre-chat form told us."""

    name: str = ""
    email: str = ""
    topic_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The name a returning visitor gave before (`_known_name`), once looked up: a socket
    # keeps its Profile, and this cost two queries on every message.
    known_name: str | None = field(default=None, compare=False)


def channel(key: str) -> WebChatChannel | None:
    """At every visitor's token and connect: kept with the configuration (configured.py)."""
    found = configured(key)
    return found.channel if found else None


def current_interaction(visitor: Visitor) -> Interaction | None:
    """The visitor's conversation: its thread key and the row it leads to, in one read."""
    key = ThreadKey.make("webchat", visitor.channel_key, visitor.visitor_id)
    return row_statements.referenced(ThreadKey, key, "interaction_id", Interaction)[1]


def is_open(chat: WebChatChannel) -> bool:
    queue, _ = admission.entry_queue("webchat", chat.key)
    return queue is None or queue.is_open(clock.now())


def welcome(visitor: Visitor) -> dict[str, Any]:
    return _welcome(visitor, channel(visitor.channel_key), current_interaction(visitor))


def _welcome(
    visitor: Visitor, chat: WebChatChannel | None, interaction: Interaction | None
) -> dict[str, Any]:
    if chat is None:
        raise DomainError(f"no web chat channel {visitor.channel_key!r}")
    return {
        "type": "welcome",
        "visitor_id": visitor.visitor_id,
        "channel": {
            "title": chat.title,
            "greeting": chat.greeting,
            "color": chat.color,
            "ask_email": chat.ask_email,
            "open": is_open(chat),
            "offline_message": chat.offline_message,
            "topics": [{"id": t.id, "label": t.label} for t in _topics(chat)],
            "attachments": limits(),
        },
        "conversation": conversation(visitor, interaction),
    }


def conversation(visitor: Visitor, interaction: Interaction | None) -> dict[str, Any] | None:
    """The visitor's current conversation (`interaction`, read by the caller) as the widget
    shows it."""
    if interaction is None:
        return None
    entries = [
        entry
        for entry in TranscriptEntry.objects.filter(
            interaction_id=interaction.id, kind__in=["inbound", "outbound", "activity"]
        ).order_by("position")
        if entry.kind != "activity" or _activity_text(entry)
    ]
    return {
        "interaction_id": interaction.id,
        "state": interaction.state,
        "version": interaction.version,
        "agent": agent_card(interaction.agent_id),
        "messages": [message_view(e, visitor) for e in entries],
        "read_message_id": interaction.read_message_id or None,
        "can_rate": interaction.state in ("wrap_up", "closed")
        and interaction.csat_rating is None
        and interaction.answered_at is not None,
        "queue": queue_position(interaction) if interaction.state in WAITING else None,
    }


def agent_card(agent_id: int | None) -> dict[str, str] | None:
    if agent_id is None:
        return None
    known = config.current().agents.get(agent_id)  # every push of an agent joining asks
    if known is not None:
        return {"name": known.name_for_customers, "avatar_url": known.avatar_url}
    profile = AgentProfile.objects.select_related("user").filter(user_id=agent_id).first()
    if profile is None:
        return None
    return {
        "name": profile.display_name or profile.user.first_name or profile.user.username,
        "avatar_url": profile.avatar_url,
    }


def _activity_text(entry: TranscriptEntry) -> str:
    """An activity line as the customer reads it ('' for what is not theirs to see)."""
    return activity.describe(entry.channel_data, _name_for_customer, for_customer=True)


def _name_for_customer(kind: str, key: Any) -> str:
    card = agent_card(key) if kind == "agent" else None
    return card["name"] if card else ""


def message_view(entry: TranscriptEntry, visitor: Visitor) -> dict[str, Any]:
    if entry.kind == "activity":
        return {
            "id": entry.id,
            "client_message_id": "",
            "author": "activity",
            "name": "",
            "text": _activity_text(entry),
            "options": [],
            "at": entry.occurred_at.isoformat(),
        }
    inbound = entry.kind == "inbound"
    author = "customer" if inbound else _author_kind(entry.author)
    return {
        "id": entry.id,
        "client_message_id": entry.external_id if inbound else "",
        "author": author,
        "name": "" if inbound else (entry.author_name or _channel_title(visitor)),
        "text": entry.text or strip_tags(entry.html),
        "options": (entry.channel_data.get("flow") or {}).get("options", []),
        "attachments": files_for_visitor(entry.attachments),
        "at": entry.occurred_at.isoformat(),
    }


def files_for_visitor(attachments: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """A message's stored files as the widget shows them: where the visitor downloads each
    (files.download checks their token), and a thumbnail for a picture."""
    shown = []
    for a in attachments or []:
        key = str(a.get("storage_key") or "")
        if not key:
            continue  # only files kept here reach a visitor
        url = "/widget/attachments/" + quote(key)
        content_type = str(a.get("content_type") or "")
        shown.append(
            {
                "name": str(a.get("name") or "attachment"),
                "content_type": content_type,
                "size": int(a.get("size") or 0),
                "url": url,
                "thumbnail_url": url + "?thumbnail=1" if content_type in SHOWN_INLINE else "",
            }
        )
    return shown


def _author_kind(author: str) -> str:
    return "agent" if author.startswith(("agent:", "supervisor:")) else author or "system"


def _channel_title(visitor: Visitor) -> str:
    chat = channel(visitor.channel_key)
    return chat.title if chat else ""


def queue_position(interaction: Interaction) -> dict[str, Any] | None:
    """Where the visitor is in line and how long it may take, from the live queue; later
    changes are pushed (audience.py)."""
    if interaction.queue_id is None or interaction.first_queued_at is None:
        return None
    return place_in_line(waiting.standing(interaction, clock.now()))


def place_in_line(standing: waiting.Standing) -> dict[str, Any]:
    expected = standing.expected_wait_seconds
    return {
        "position": standing.position,
        "expected_wait_seconds": None if expected is None else round(expected),
    }


@command
def send_message(
    visitor: Visitor,
    text: str,
    client_message_id: str,
    profile: Profile,
    channel_data: dict[str, Any] | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> IngestResult:
    """The visitor said something (or sent a file, already kept: files.py). A resend with the
    same client message id appends nothing."""
    text = (text or "").strip()
    if not text and not attachments:
        raise DomainError("an empty message")
    if len(text) > MAX_TEXT:
        raise DomainError(f"a message of more than {MAX_TEXT} characters")
    if not client_message_id or len(client_message_id) > 64:
        raise DomainError("a message needs its client message id")
    data = dict(channel_data or {})
    topic = _topic(visitor, profile.topic_id)
    if topic is not None:
        data.update(queue_id=topic.queue_id, topic=topic.label)
    if profile.email:
        data["email"] = profile.email
    with acting_as("customer"):
        result = ingest(
            InboundMessage(
                channel="webchat",
                channel_key=visitor.channel_key,
                sender_kind="web",
                sender_address=visitor.visitor_id,
                sender_name=profile.name or _remembered_name(visitor, profile),
                threading_key=visitor.visitor_id,
                external_id=client_message_id,
                id_from_sender=True,
                text=text,
                attachments=attachments,
                channel_data=data,
            )
        )
        if result.created and profile.email:
            _remember_email(result.customer_id, profile.email)
    return result


def _remembered_name(visitor: Visitor, profile: Profile) -> str:
    if profile.known_name is None:
        profile.known_name = _known_name(visitor)
    return profile.known_name


def _known_name(visitor: Visitor) -> str:
    """A returning visitor (a reload, a closed and reopened widget) is who they said they
    were the first time: the pre-chat form's name stays with them, not their visitor id."""
    identity = normalise(IdentityKind.WEB, visitor.visitor_id)
    # The identity and the customer it names in one read; the message's ingest takes who the
    # identity belongs to from it rather than reading it again (customers.read_with).
    row, customer = row_statements.referenced(
        ContactIdentity, identity.key, "customer_id", Customer
    )
    customers.read_with(identity, row)
    return customer.name if customer else ""


def _topics(chat: WebChatChannel) -> tuple[Topic, ...]:
    found = configured(chat.key)
    return found.topics if found else ()


def _topic(visitor: Visitor, topic_id: int | None) -> Topic | None:
    if topic_id is None:
        return None
    found = configured(visitor.channel_key)
    return found.topic(topic_id) if found else None


def _remember_email(customer_id: str, email: str) -> None:
    """An e-mail typed in the form becomes an identity, unless another customer has it: a
    visitor must not be able to claim someone else's history by typing their address."""
    try:
        identity = normalise(IdentityKind.EMAIL, email)
        if customers.find(identity) is None:
            customers.add_identity(customer_id, identity)
    except (InvalidIdentity, DomainError):
        pass


@command
def rate(visitor: Visitor, rating: int, comment: str) -> None:
    interaction = require_current(visitor)
    with acting_as("customer"):
        interactions.decide_and_append(interaction.id, lambda i: i.rate(rating, comment))


@command
def left(visitor: Visitor, grace_seconds: int) -> None:
    row = current_interaction(visitor)  # read in this command: the projection writes it
    if row is None:
        return
    grace_until = clock.now() + timedelta(seconds=grace_seconds)
    with acting_as("customer"):  # leaving reads its state and whether they were away
        interactions.decide_and_append(
            row.id, lambda i: i.customer_left(grace_until), row=row, row_suffices=True
        )


def opened(visitor: Visitor, new: bool = False) -> tuple[WebChatChannel, dict[str, Any]] | None:
    """A visitor's socket opened: their channel, and `arrived` on it, in one trip to the
    database (each trip is a thread's wake-up, issue 18); None if the channel is gone."""
    chat = channel(visitor.channel_key)
    return None if chat is None else (chat, arrived(visitor, chat, new))


def arrived(visitor: Visitor, chat: WebChatChannel, new: bool = False) -> dict[str, Any]:
    """A visitor's socket opened on `chat` (read as it opened): back from away if they were
    (`returned`), then the welcome, in one call. The welcome reuses the channel and, unless
    the visitor came back, the conversation the check for away read. A `new` visitor, made
    as the socket opened, has no conversation to read."""
    if new:
        return _welcome(visitor, chat, None)
    interaction = current_interaction(visitor)
    if interaction is not None and interaction.customer_away:
        returned(visitor)
        interaction = current_interaction(visitor)
    return _welcome(visitor, chat, interaction)


@command
def returned(visitor: Visitor) -> None:
    interaction = current_interaction(visitor)
    if interaction is None or not interaction.customer_away:
        return
    with acting_as("customer"):  # coming back reads only whether they were away
        interactions.decide_and_append(
            interaction.id, lambda i: i.customer_returned(), row=interaction, row_suffices=True
        )


def require_current(visitor: Visitor) -> Interaction:
    interaction = current_interaction(visitor)
    if interaction is None:
        raise DomainError("there is no conversation yet")
    return interaction
