"""The parts of a message that are not its body: attachments, inline images, attached
messages, and the delivery status report a bounce carries (RFC 3462/3464). Pure functions."""

import email
import mimetypes
import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import HeaderParser

from channels_adapters.email.addresses import bare
from channels_adapters.email.mime import (
    clean_line,
    content_type,
    first_message_id,
    payload,
    raw_header,
    raw_text,
    text_of,
)

MAX_DEPTH = 12  # nested multiparts deeper than this are not real mail
MAX_PARTS = 500
MAX_NAME = 150
MESSAGE_ID_LINE = re.compile(r"^\s*Message-ID:\s*<([^<>\s]+)>", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class MailAttachment:
    name: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class DeliveryReport:
    """What a bounce (RFC 3464 delivery status notification) says about a message we sent."""

    original_message_id: str = ""
    recipients: tuple[str, ...] = ()
    action: str = ""  # failed, delayed, delivered, relayed, expanded
    status: str = ""  # 5.1.1
    diagnostic: str = ""  # smtp; 550 5.1.1 user unknown
    reporting_mta: str = ""  # the host that wrote the report (Reporting-MTA: dns; host)

    @property
    def failed(self) -> bool:
        """A permanent failure: delays (4.x.x) and successes are reported, not bounces."""
        if self.action:
            return self.action == "failed"
        return not self.status.startswith(("2", "4"))


def walk(part: Message, body_ids: set[int], out: list, reports: list, depth: int) -> None:
    """Collect into `out` every part that is not one of the bodies (`body_ids`), and into
    `reports` what delivery-status and attached messages say about an original message."""
    if depth > MAX_DEPTH or len(out) >= MAX_PARTS:
        return
    ctype = content_type(part)
    if ctype == "message/delivery-status":
        reports.append(_delivery_status(part))
        return
    if ctype == "text/rfc822-headers":
        reports.append(DeliveryReport(original_message_id=_headers_message_id(part)))
        out.append(_attachment(part, len(out)))
        return
    if ctype.startswith("message/"):
        inner = _inner_message(part)
        if inner is not None and ctype == "message/rfc822":
            reports.append(DeliveryReport(original_message_id=_inner_message_id(inner)))
        out.append(_attachment(part, len(out), inner=inner))
        return
    if ctype.startswith("multipart/"):
        children = part.get_payload()
        for child in children if isinstance(children, list) else []:
            if isinstance(child, Message):
                walk(child, body_ids, out, reports, depth + 1)
        return
    if id(part) in body_ids:
        return
    if depth == 0 and ctype.startswith("text/") and _disposition(part) != "attachment":
        return  # a single-part message's own body (of a type get_body did not choose)
    out.append(_attachment(part, len(out)))


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


def _attachment(part: Message, index: int, inner: Message | None = None) -> MailAttachment:
    ctype = content_type(part)
    content_id = first_message_id(raw_header(part, "content-id"))
    if inner is not None:
        try:
            content = inner.as_bytes(policy=policy.default)
        except Exception:
            content = payload(part)
    else:
        content = payload(part)
    disposition = _disposition(part)
    inline = disposition == "inline" or (not disposition and bool(content_id))
    return MailAttachment(
        name=_filename(part, ctype, content_id, index),
        content_type=ctype,
        content=content,
        inline=inline,
        content_id=content_id,
    )


def _filename(part: Message, ctype: str, content_id: str, index: int) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = clean_line(raw_text(name))
    name = re.split(r"[\\/]", name)[-1].strip(" .")  # never a path
    if not name:
        if ctype == "message/rfc822":
            extension = ".eml"
        else:
            extension = mimetypes.guess_extension(ctype, strict=False) or ".bin"
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", content_id.split("@")[0]) if content_id else ""
        name = f"{stem or f'attachment-{index + 1}'}{extension}"
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        keep = MAX_NAME - len(extension) - 1
        name = f"{stem[:keep]}.{extension}" if dot and len(extension) < 12 else name[:MAX_NAME]
    return name


def _inner_message(part: Message) -> Message | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    if isinstance(payload, str) and payload.strip():
        try:
            return email.message_from_string(payload, policy=policy.default)
        except Exception:
            return None
    return None


def _inner_message_id(inner: Message) -> str:
    for name, value in inner.raw_items():
        if str(name).lower() == "message-id":
            return first_message_id(raw_text(value))
    return ""


def _headers_message_id(part: Message) -> str:
    text = text_of(part)
    try:
        headers = HeaderParser(policy=policy.default).parsestr(text)
        return _inner_message_id(headers)
    except Exception:
        found = MESSAGE_ID_LINE.search(text)
        return found.group(1) if found else ""


def _delivery_status(part: Message) -> DeliveryReport:
    """RFC 3464 fields: one block for the message, one per recipient."""
    payload = part.get_payload()
    blocks: list[dict[str, str]] = []
    if isinstance(payload, list):
        for block in payload:
            if isinstance(block, Message):
                blocks.append({str(k).lower(): raw_text(v) for k, v in block.raw_items()})
    else:
        for chunk in re.split(r"\r?\n\s*\r?\n", text_of(part)):
            fields = {}
            for line in chunk.splitlines():
                name, colon, value = line.partition(":")
                if colon:
                    fields[name.strip().lower()] = value.strip()
            blocks.append(fields)
    recipients, action, status, diagnostic = [], "", "", ""
    reporting_mta = next((f["reporting-mta"] for f in blocks if f.get("reporting-mta")), "")
    for fields in blocks:
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if recipient:
            recipients.append(bare(recipient.split(";")[-1]))
            action = action or fields.get("action", "").strip().lower()
            status = status or fields.get("status", "").strip()
            diagnostic = diagnostic or clean_line(fields.get("diagnostic-code", ""))
    return DeliveryReport(
        recipients=tuple(r for r in recipients if r),
        action=action,
        status=status,
        diagnostic=diagnostic,
        reporting_mta=clean_line(reporting_mta.split(";")[-1])[:253],
    )


def delivery_report(
    message: Message, content_type: str, reports: list[DeliveryReport], text: str
) -> DeliveryReport | None:
    """The delivery status notification this message is (RFC 3462/3464), if it is one. A
    forwarded message or a read receipt also carries a message inside: those are no bounce."""
    if not _is_delivery_report(message, content_type):
        return None
    merged = DeliveryReport()
    for report in reports:
        merged = DeliveryReport(
            original_message_id=merged.original_message_id or report.original_message_id,
            recipients=merged.recipients or report.recipients,
            action=merged.action or report.action,
            status=merged.status or report.status,
            diagnostic=merged.diagnostic or report.diagnostic,
            reporting_mta=merged.reporting_mta or report.reporting_mta,
        )
    if not merged.original_message_id:
        found = MESSAGE_ID_LINE.search(text)
        if found:
            merged = DeliveryReport(**{**merged.__dict__, "original_message_id": found.group(1)})
    return merged


def _is_delivery_report(message: Message, ctype: str) -> bool:
    """A delivery-status part on its own, a multipart/report of report-type delivery-status
    (or, unlabelled, holding one), or such a report as the first layer inside the
    multipart/mixed some servers wrap it in (Exchange). A message/delivery-status part loose
    in a multipart/mixed is what a person forwarding a bounce inline sends: no report."""
    if ctype == "message/delivery-status":
        return True
    if ctype == "multipart/report":
        return _reports_delivery(message)
    if ctype.startswith("multipart/"):
        return any(
            content_type(child) == "multipart/report" and _reports_delivery(child)
            for child in _children(message)
        )
    return False


def _reports_delivery(report: Message) -> bool:
    try:
        kind = str(report.get_param("report-type") or "").lower()
    except Exception:
        kind = ""
    if kind:
        return kind == "delivery-status"
    return any(content_type(child) == "message/delivery-status" for child in _children(report))


def _children(part: Message) -> list[Message]:
    children = part.get_payload()
    return [c for c in children if isinstance(c, Message)] if isinstance(children, list) else []
