"""The widget's "e-mail me this conversation", which must never be a mail relay for whoever
opens a chat. The transcript goes at once only to the address the visitor gave in the
pre-chat form (or one that already confirmed); any other address first gets a link, without
the conversation, and the transcript follows only if the link is opened. A conversation sends
at most WEBCHAT_TRANSCRIPTS_PER_CONVERSATION mails, links included (counted in its own event
stream, so every server process agrees); the socket limits requests per IP as well."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.utils.html import strip_tags

from channels_adapters.webchat import tokens
from channels_adapters.webchat import visitor as visitors
from channels_adapters.webchat.tokens import Visitor
from contactcenter.commands import command
from contactcenter.events import store
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import DomainError, stream_id
from contactcenter.interactions.models import Interaction, TranscriptEntry

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LINK_SALT = "webchat.transcript-link"
LINK_MAX_AGE_SECONDS = 24 * 3600
LINK_PATH = "/widget/transcript/{token}/"
MAILS = ("TranscriptEmailed", "TranscriptLinkEmailed")


@dataclass(frozen=True)
class Outcome:
    to: str
    sent: bool  # the transcript itself; False: a link to confirm the address went there


def request(visitor: Visitor, address: str) -> Outcome:
    """The visitor asks for their conversation at `address`."""
    address = (address or "").strip()
    if not EMAIL.match(address) or len(address) > 254:
        raise DomainError(f"{address!r} is not an e-mail address")
    interaction = visitors.require_current(visitor)
    if _known(interaction.id, address):
        _reserve(interaction.id, ev.TranscriptEmailed(interaction_id=interaction.id, to=address))
        _mail_transcript(interaction, address)
        return Outcome(address, sent=True)
    _reserve(interaction.id, ev.TranscriptLinkEmailed(interaction_id=interaction.id, to=address))
    _mail_link(interaction, address)
    return Outcome(address, sent=False)


def pending(token: str) -> tuple[Interaction, str]:
    """The conversation and address a confirmation link stands for (tokens.BadToken if
    none)."""
    data = tokens.unsign(
        token,
        salt=LINK_SALT,
        max_age=LINK_MAX_AGE_SECONDS,
        expired="this link has expired; ask for the conversation again",
        invalid="this is not a link we sent",
    )
    interaction = Interaction.objects.filter(pk=data["i"]).first()
    if interaction is None:
        raise tokens.BadToken("that conversation no longer exists")
    return interaction, data["to"]


def confirm(token: str) -> str:
    """The link was opened: the transcript goes to its address, once."""
    interaction, address = pending(token)
    _reserve(
        interaction.id, ev.TranscriptEmailed(interaction_id=interaction.id, to=address), once=True
    )
    _mail_transcript(interaction, address)
    return address


def _known(interaction_id: str, address: str) -> bool:
    """Given in the pre-chat form (it came with the first message), or confirmed before."""
    first = (
        TranscriptEntry.objects.filter(interaction_id=interaction_id, kind="inbound")
        .order_by("position")
        .first()
    )
    given = first.channel_data.get("email", "") if first else ""
    return _same(given, address) or _already_sent(interaction_id, address)


def _already_sent(interaction_id: str, address: str, events=None) -> bool:
    return any(
        e.type == "TranscriptEmailed" and _same(e.data["to"], address)
        for e in events or store.read_stream(stream_id(interaction_id))
    )


def _same(a: str, b: str) -> bool:
    return bool(a) and a.strip().lower() == b.strip().lower()


@command
def _reserve(
    interaction_id: str,
    mail: ev.TranscriptEmailed | ev.TranscriptLinkEmailed,
    *,
    once: bool = False,
) -> None:
    """Count the mail against the conversation's few before it goes: two requests at once
    cannot both take the last one (the second append conflicts, retries and counts again).
    `once`: a confirmation link sends the transcript one time only."""
    events = store.read_stream(stream_id(interaction_id))
    limit = settings.WEBCHAT_TRANSCRIPTS_PER_CONVERSATION
    if once and _already_sent(interaction_id, mail.to, events):
        raise DomainError(f"the conversation was already sent to {mail.to}")
    if sum(e.type in MAILS for e in events) >= limit:
        raise DomainError(f"this conversation has been e-mailed {limit} times already")
    with acting_as("customer"):
        interactions.decide_and_append(interaction_id, lambda i: [mail])


def _mail_transcript(interaction: Interaction, address: str) -> None:
    title = _title(interaction)
    entries = TranscriptEntry.objects.filter(
        interaction_id=interaction.id, kind__in=["inbound", "outbound"]
    ).order_by("position")
    lines = [
        f"[{e.occurred_at:%Y-%m-%d %H:%M}] "
        f"{'You' if e.kind == 'inbound' else e.author_name or title}: "
        f"{e.text or strip_tags(e.html)}"
        for e in entries
    ]
    send_mail(
        subject=f"Your conversation with {title}",
        message="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
    )


def _mail_link(interaction: Interaction, address: str) -> None:
    """Nothing of the conversation: only a link, which proves the address is the visitor's."""
    title = _title(interaction)
    token = signing.dumps({"i": interaction.id, "to": address}, salt=LINK_SALT)
    link = settings.PUBLIC_URL.rstrip("/") + LINK_PATH.format(token=token)
    send_mail(
        subject=f"Send your conversation with {title} to this address?",
        message=(
            f"Someone chatting with {title} asked for the conversation to be sent to "
            f"{address}.\n\nTo receive it, open this link within a day:\n{link}\n\n"
            "If that was not you, ignore this message: nothing more will be sent.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
    )


def _title(interaction: Interaction) -> str:
    chat = visitors.channel(interaction.channel_key)
    return chat.title if chat else "us"
