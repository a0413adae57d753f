"""What the console's e-mail composer starts with: to, cc, subject and the quoted thread.

The subject is the customer's *current* one: if they changed it in their last message, our
reply keeps their change instead of the first subject of the thread.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape

from channels_adapters.email.addresses import display, split_plus
from channels_adapters.email.inboxes import our_addresses
from contactcenter.interactions.domain import SUBJECT_MAX_CHARS
from contactcenter.interactions.models import Interaction, TranscriptEntry

REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|antw|vs|odp|r|ref|réf|rif)\s*(\[\d+\])?\s*:", re.I)


def reply_subject(subject: str) -> str:
    """`Order 1234` -> `Re: Order 1234`; a subject that already says it is a reply is kept.
    One longer than a message's subject may be (a customer's may be, ours may not) is cut
    to fit, with an ellipsis."""
    subject = " ".join((subject or "").split())
    if not subject:
        return "Re: your message"
    reply = subject if REPLY_PREFIX.match(subject) else f"Re: {subject}"
    if len(reply) > SUBJECT_MAX_CHARS:
        reply = reply[: SUBJECT_MAX_CHARS - 1].rstrip() + "…"
    return reply


@dataclass(frozen=True)
class ReplyDefaults:
    to: list[str] = field(default_factory=list)  # "Name <address>"
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    quoted_text: str = ""  # "On …, Carla wrote:" and "> " lines
    quoted_html: str = ""  # the same as an attribution and a <blockquote>, sanitised
    in_reply_to: str = ""  # the Message-ID answered (the outbound adapter sets the header)


def reply_defaults(interaction_id: str) -> ReplyDefaults:
    """Defaults for answering the interaction's latest message from a person."""
    entries = list(
        TranscriptEntry.objects.filter(
            interaction_id=interaction_id, kind=TranscriptEntry.Kind.INBOUND
        ).order_by("-position")[:20]
    )
    if not entries:
        subject = Interaction.objects.filter(pk=interaction_id).values_list("subject", flat=True)
        return ReplyDefaults(subject=reply_subject(subject.first() or ""))
    last = next((e for e in entries if not e.channel_data.get("automated_reason")), entries[0])
    data = last.channel_data or {}
    sender = data.get("from") or last.author_name
    to = list(data.get("reply_to") or []) or [sender]
    ours = our_addresses()
    skip = {*to, sender}
    cc = [
        address
        for address in [*data.get("to", []), *data.get("cc", [])]
        if address not in skip and split_plus(address)[0] not in ours
    ]
    when = last.occurred_at.strftime("%a, %d %b %Y at %H:%M")
    name = last.author_name or sender
    attribution = f"On {when}, {name} wrote:"
    quoted_text = attribution + "\n" + "\n".join(f"> {line}" for line in last.text.split("\n"))
    body = last.html or "<p>" + escape(last.text).replace("\n", "<br>") + "</p>"
    return ReplyDefaults(
        to=[display(name, to[0]), *to[1:]] if to and to[0] == sender else to,
        cc=list(dict.fromkeys(cc)),
        subject=reply_subject(last.subject),
        quoted_text=quoted_text,
        quoted_html=f"<p>{escape(attribution)}</p><blockquote>{body}</blockquote>",
        in_reply_to=data.get("message_id", ""),
    )
