"""One inbound e-mail, from whichever transport, into the log.

The SMTP listener and the ESP webhooks both call `receive`. It parses, classifies (person,
robot, bounce), threads, applies the per-sender limit, stores the files, then appends in one
command: the bounce's delivery failure, the message (`ingest`), and the auto-acknowledgement
of a new conversation. It returns an Outcome, or raises Refused with a reason when the message
can never be taken; anything else it raises (the database is down) is worth a retry.
"""

import logging
import re
from dataclasses import dataclass
from email.message import Message

from channels_adapters.email import noise, storage, threads
from channels_adapters.email.addresses import bare
from channels_adapters.email.inboxes import Inbox, our_addresses
from channels_adapters.email.parsing import ParsedMail, Unparseable, content_hash, parse
from channels_adapters.email.parsing import parse_message as parse_parsed
from channels_adapters.email.projections import ref_key
from channels_adapters.email.replies import reply_subject
from contactcenter.commands import command
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import InvalidTransition
from contactcenter.interactions.ingest import Attachment, InboundMessage, IngestResult, ingest
from contactcenter.interactions.models import Interaction
from crm.identities import InvalidIdentity, normalise

log = logging.getLogger(__name__)
CID = re.compile(r"""(src\s*=\s*["']?)cid:([^"'\s>]+)""", re.IGNORECASE)
MAX_REFERENCES = 50
NAME_LENGTH = 200  # of customers' and transcript names
ADDRESS_LENGTH = 254  # RFC 5321


class Refused(Exception):
    """The message can never be taken; `code` is the SMTP reply that says so."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    interaction_id: str = ""
    message_id: str = ""
    created: bool = False
    duplicate: bool = False
    automated: str = ""  # why it counts as automated, if it does
    dropped: str = ""  # why nothing was appended (automated mail with no conversation)
    acknowledged: bool = False
    bounced_message_id: str = ""  # our message a bounce reported as undeliverable


@dataclass(frozen=True)
class Bounce:
    interaction_id: str
    message_id: str
    reason: str


def receive(
    inbox: Inbox,
    raw: bytes | None = None,
    *,
    message: Message | None = None,
    envelope_from: str | None = None,
    recipients: tuple[str, ...] = (),
    via: str = "smtp",
    fallback_id: str = "",
) -> Outcome:
    """Take one message for `inbox`: `raw` bytes (SMTP), or a `message` an ESP's webhook
    parsed. `envelope_from` is MAIL FROM ('' for the null sender, None if unknown)."""
    channel = inbox.channel
    if raw is not None:
        _check_size(raw, inbox)
    try:
        mail = parse(raw) if raw is not None else parse_parsed(message)
    except Unparseable as error:
        raise Refused(554, f"cannot read the message: {error}") from None
    if raw is None:
        raw = _serialise(message)
        _check_size(raw, inbox)
    ours = our_addresses()
    verdict = noise.classify(mail, envelope_from=envelope_from, our_addresses=ours)
    sender = _sender(mail.from_address, envelope_from, _stand_ins(mail, inbox, verdict))
    external_id = ref_key(mail.message_id) or fallback_id or f"sha256:{content_hash(raw)}"
    automated = verdict.reason or _over_limit(channel, sender)
    addressed_to = [*recipients, *mail.delivered_to, *mail.to, *mail.cc]
    thread = threads.find(mail, addressed_to, channel.inboxes)
    bounce = _bounce(mail) if verdict.bounce else None
    interaction_id = thread.interaction_id if thread else (bounce.interaction_id if bounce else "")
    # A message that joins a conversation is keyed on that conversation's inbox, so the copy
    # a customer also sent to a second inbox of ours is appended once.
    channel_key = _channel_key(interaction_id) or inbox.address

    files = [storage.keep_attachment(a) for a in mail.attachments]
    inbound = InboundMessage(
        channel="email",
        channel_key=channel_key,
        sender_kind="email",
        sender_address=sender,
        sender_name=mail.from_name[:NAME_LENGTH],
        threading_key=external_id,
        interaction_id=interaction_id or None,
        external_id=external_id,
        text=mail.text,
        html=_inline_images(mail.html, files),
        subject=mail.subject,
        attachments=tuple(files),
        channel_data=_channel_data(mail, inbox, via, storage.keep_raw(raw), automated, thread),
        automated=bool(automated),
        reopen_window_seconds=channel.reopen_window_seconds,
    )
    with acting_as(f"provider:{via}"):
        result, acknowledged = _record(inbound, inbox, bounce)
    if result.dropped:
        log.info("%s from %s: %s (%s)", external_id, sender, result.dropped, automated)
    return Outcome(
        interaction_id=result.interaction_id,
        message_id=result.message_id,
        created=result.created,
        duplicate=result.duplicate,
        automated=automated,
        dropped=result.dropped,
        acknowledged=acknowledged,
        bounced_message_id=bounce.message_id if bounce else "",
    )


@command
def _record(
    inbound: InboundMessage, inbox: Inbox, bounce: Bounce | None
) -> tuple[IngestResult, bool]:
    if bounce is not None:
        interactions.record_delivery(
            bounce.interaction_id,
            bounce.message_id,
            status="failed",
            reason=bounce.reason,
            idempotency_key=f"bounce:{bounce.message_id}",
        )
    result = ingest(inbound)
    acknowledged = False
    if (
        result.created
        and not inbound.automated
        and inbox.channel.auto_acknowledge
        and not _with_the_virtual_agent(result.interaction_id)
    ):
        acknowledged = _acknowledge(result.interaction_id, inbound, inbox)
    return result, acknowledged


def _with_the_virtual_agent(interaction_id: str) -> bool:
    """The inbox's flow opens with a virtual agent, which has written back already (an
    answer, or what it needs to know): "we have received your message" would be noise."""
    return Interaction.objects.filter(pk=interaction_id, state="self_service").exists()


def _acknowledge(interaction_id: str, inbound: InboundMessage, inbox: Inbox) -> bool:
    """The auto-acknowledgement: appended with the message, delivered by the outbox."""
    channel = inbox.channel
    fields = channel.template_fields(customer_name=inbound.sender_name, subject=inbound.subject)
    text = re.sub(
        r"{(\w+)}", lambda m: fields.get(m.group(1), m.group(0)), channel.acknowledgement_template
    )
    try:
        interactions.send_message(
            interaction_id,
            author="system",
            author_name=channel.from_name or channel.name,
            text=text,
            subject=reply_subject(inbound.subject),
            channel_data={"auto_acknowledgement": True},
        )
    except InvalidTransition:
        return False  # admission closed it (after hours, queue full) and said so already
    return True


def _check_size(raw: bytes, inbox: Inbox) -> None:
    limit = inbox.channel.max_message_bytes
    if len(raw) > limit:
        raise Refused(552, f"message is {len(raw)} bytes; {inbox.address} takes at most {limit}")


def _sender(from_address: str, envelope_from: str | None, stand_ins: tuple[str, ...] = ()) -> str:
    """The address to answer: From, else the envelope sender, if either is one we can use;
    else, for automated mail, the first of `stand_ins` that is one."""
    candidates = [
        a for a in (from_address, bare(envelope_from or "")) if a and len(a) <= ADDRESS_LENGTH
    ]
    for address in [*candidates, *stand_ins]:
        try:
            return normalise("email", address).address
        except InvalidIdentity:
            continue
    if candidates:
        raise Refused(554, f"{candidates[0]!r} is not an e-mail address we can answer")
    raise Refused(554, "the message has no sender address (From)")


def _stand_ins(mail: ParsedMail, inbox: Inbox, verdict: noise.Verdict) -> tuple[str, ...]:
    """Who sent automated mail that names no sender (a DSN without From, from the null
    sender): the reporting server's mailer daemon, else ours. Refusing it would only bounce
    a bounce; taken, it is recorded where it belongs or dropped."""
    if not verdict.automated:
        return ()
    host = mail.report.reporting_mta.lower() if mail.report else ""
    ours = inbox.address.rpartition("@")[2]
    return tuple(f"mailer-daemon@{h}" for h in (host, ours) if h and len(h) < ADDRESS_LENGTH - 20)


def _over_limit(channel, sender: str) -> str:
    limit = channel.sender_limit_per_hour
    if limit and threads.recent_from(sender) >= limit:
        return f"rate limit: more than {limit} messages from {sender} in an hour"
    return ""


def _bounce(mail: ParsedMail) -> Bounce | None:
    report = mail.report
    if report is not None and not report.failed:
        return None  # a delay or success notice: recorded, nothing failed
    candidates = [
        *([report.original_message_id] if report and report.original_message_id else []),
        *mail.enclosed_message_ids,
        *mail.in_reply_to,
        *reversed(mail.references),
    ]
    sent = threads.find_sent(candidates)
    if sent is None:
        return None
    detail = " ".join(
        part
        for part in (
            report.status if report else "",
            report.diagnostic if report else "",
            ", ".join(report.recipients) if report else "",
        )
        if part
    )
    return Bounce(sent.interaction_id, sent.message_id, f"bounced: {detail or mail.subject}"[:500])


def _channel_key(interaction_id: str) -> str:
    if not interaction_id:
        return ""
    row = Interaction.objects.filter(pk=interaction_id, channel="email").values_list(
        "channel_key", flat=True
    )
    return row.first() or ""


def _inline_images(html: str, files: list[Attachment]) -> str:
    """`<img src="cid:…">` points at the stored part, so the sanitised HTML still shows it."""
    if not html or "cid:" not in html.lower():
        return html
    by_cid = {f.content_id.lower(): f.url for f in files if f.content_id}
    return CID.sub(
        lambda m: m.group(1) + by_cid.get(m.group(2).strip("<>").lower(), "cid:" + m.group(2)),
        html,
    )


def _channel_data(mail: ParsedMail, inbox: Inbox, via: str, raw_key: str, automated: str, thread):
    data = {
        "message_id": mail.message_id,
        "in_reply_to": list(mail.in_reply_to),
        "references": list(mail.references[-MAX_REFERENCES:]),
        "from": mail.from_address,
        "reply_to": list(mail.reply_to),
        "to": list(mail.to),
        "cc": list(mail.cc),
        "date": mail.date.isoformat() if mail.date else "",
        "inbox": inbox.address,
        "via": via,
        "raw": raw_key,
    }
    if automated:
        data["automated_reason"] = automated
    if thread is not None:
        data["threaded_by"] = thread.found_by
    if mail.report is not None:
        data["delivery_report"] = {
            "original_message_id": mail.report.original_message_id,
            "action": mail.report.action,
            "status": mail.report.status,
            "diagnostic": mail.report.diagnostic,
        }
    if mail.defects:
        data["defects"] = list(mail.defects)
    return data


def _serialise(message: Message) -> bytes:
    try:
        return message.as_bytes()
    except Exception:
        return message.as_string().encode("utf-8", "surrogateescape")
