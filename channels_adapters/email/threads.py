"""Which conversation an e-mail belongs to, and the thread headers of our replies.

Never by subject. First the message's In-Reply-To, then its References from the newest back,
against every Message-ID we received or sent (MessageRef); then a reply token in a
plus-address it was sent to. Mail clients disagree on these headers (Outlook often drops
In-Reply-To but keeps References, some webmail keeps only the first reference), which is why
each is tried in turn.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from channels_adapters.email.addresses import read_token, split_plus
from channels_adapters.email.models import MessageRef
from channels_adapters.email.parsing import ParsedMail
from channels_adapters.email.projections import ref_key
from contactcenter import clock
from contactcenter.interactions.models import Interaction

REFERENCES_KEPT = 20  # the first and the newest ones, as RFC 5322 suggests for long threads


@dataclass(frozen=True)
class Thread:
    interaction_id: str
    found_by: str  # in-reply-to, references, reply-token
    message_id: str = ""  # our id of the message it answers, when found by reference


def candidates(ref: str) -> list[str]:
    """The keys `ref` may be stored under: itself, or our message id if it is one of ours."""
    key = ref_key(ref)
    local = key.partition("@")[0]
    try:
        return [key, str(uuid.UUID(local))]
    except ValueError:
        return [key]


def find(mail: ParsedMail, recipients: list[str], inboxes: list[str]) -> Thread | None:
    ordered = [(ref, "in-reply-to") for ref in mail.in_reply_to]
    ordered += [(ref, "references") for ref in reversed(mail.references)]
    if ordered:
        keys = {key for ref, _ in ordered for key in candidates(ref)}
        rows = {row.ref: row for row in MessageRef.objects.filter(ref__in=keys)}
        for ref, how in ordered:
            for key in candidates(ref):
                if key in rows:
                    return Thread(rows[key].interaction_id, how, rows[key].message_id)
    return by_token(recipients, inboxes)


def by_token(recipients: list[str], inboxes: list[str]) -> Thread | None:
    for address in recipients:
        base, tag = split_plus(address)
        if tag and base in inboxes:
            # Signed under SECRET_KEY, or under a key it replaced (a reply to an older mail).
            interaction_id = next(
                filter(None, (read_token(tag, secret) for secret in _secrets())), None
            )
            if interaction_id and Interaction.objects.filter(pk=interaction_id).exists():
                return Thread(interaction_id, "reply-token")
    return None


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def find_sent(message_ids: list[str]) -> MessageRef | None:
    """Our outbound message among `message_ids` (what a bounce reports on)."""
    for ref in message_ids:
        row = MessageRef.objects.filter(ref__in=candidates(ref), direction="outbound").first()
        if row is not None:
            return row
    return None


def recent_from(sender: str, *, hours: int = 1) -> int:
    """How many messages `sender` sent us in the last `hours` (for the reply-storm limit)."""
    since = clock.now() - timedelta(hours=hours)
    return MessageRef.objects.filter(
        sender=sender, direction="inbound", occurred_at__gte=since
    ).count()


@dataclass(frozen=True)
class ThreadHeaders:
    in_reply_to: str  # "<id>" or ""
    references: list[str]  # "<id>", oldest first


def headers_for(interaction_id: str, message_id: str, domain: str) -> ThreadHeaders:
    """In-Reply-To and References for our message `message_id`: the thread before it."""
    rows = list(
        MessageRef.objects.filter(interaction_id=interaction_id).order_by("position", "ref")
    )
    own = next((row.position for row in rows if row.ref == message_id), None)
    before = [row for row in rows if own is None or row.position < own]
    ids = [message_id_header(row, domain) for row in before if row.ref != message_id]
    ids = [i for i in ids if i]
    inbound = [
        header
        for row in before
        if row.direction == "inbound" and (header := message_id_header(row, domain))
    ]
    references = ids if len(ids) <= REFERENCES_KEPT else [ids[0], *ids[-(REFERENCES_KEPT - 1) :]]
    return ThreadHeaders(in_reply_to=inbound[-1] if inbound else "", references=references)


def message_id_header(row: MessageRef, domain: str) -> str:
    """The Message-ID as it goes in our headers ('' for a message that had none)."""
    if row.direction == "outbound":
        return f"<{row.ref}@{domain}>"
    return f"<{row.header}>" if row.header else ""
