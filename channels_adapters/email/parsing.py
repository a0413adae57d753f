"""MIME in, one ParsedMail out: headers decoded, bodies in any charset, attachments, and the
delivery report inside a bounce. Pure: bytes in, values out, no I/O.

The only way out of `parse` besides a ParsedMail is `Unparseable` with a reason a person can
read (mime.py and parts.py read every header and part defensively).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from channels_adapters.email.addresses import bare
from channels_adapters.email.mime import (
    addresses,
    all_values,
    charsets_of,
    clean_line,
    content_type,
    first_message_id,
    header_values,
    message_ids,
    text_of,
)
from channels_adapters.email.parts import DeliveryReport, MailAttachment, delivery_report, walk

__all__ = ["DeliveryReport", "MailAttachment", "ParsedMail", "Unparseable", "parse"]


class Unparseable(ValueError):
    """The bytes are not a message we can read; the text says why."""


@dataclass(frozen=True)
class ParsedMail:
    message_id: str = ""  # without the angle brackets
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    reply_to: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    delivered_to: tuple[str, ...] = ()  # Delivered-To, X-Original-To: where the MTA put it
    date: datetime | None = None
    text: str = ""
    html: str = ""  # as sent: not yet sanitised
    attachments: tuple[MailAttachment, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> first value
    all_headers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # -> every value
    content_type: str = ""
    report: DeliveryReport | None = None  # when the message is a delivery status notification
    enclosed_message_ids: tuple[str, ...] = ()  # of messages or headers attached to it
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def header_all(self, name: str) -> tuple[str, ...]:
        """Every value of a header that may be repeated (Delivered-To, X-Loop)."""
        return self.all_headers.get(name.lower(), ())

    def has_header(self, name: str) -> bool:
        """Whether the header is there at all: some say what they say by being present,
        empty (Exchange's `X-MS-Exchange-Message-Is-Ndr:`)."""
        return name.lower() in self.headers


def parse(raw: bytes) -> ParsedMail:
    if not raw or not raw.strip():
        raise Unparseable("the message is empty")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # the parser is lenient; this is a last resort
        raise Unparseable(f"not a MIME message: {error}") from None
    return parse_message(message)


def parse_message(message: Message) -> ParsedMail:
    charsets = charsets_of(message)
    all_headers = header_values(message, charsets)
    headers = {name: values[0] for name, values in all_headers.items()}
    if not headers:
        raise Unparseable("the message has no headers")
    name, address = _sender(headers.get("from", ""))
    try:
        text_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
    except Exception:
        text_part = html_part = None
    body_ids = {id(p) for p in (text_part, html_part) if p is not None}
    attachments: list[MailAttachment] = []
    reports: list[DeliveryReport] = []
    walk(message, body_ids, attachments, reports, depth=0)
    text = text_of(text_part) if text_part is not None else ""
    html = text_of(html_part) if html_part is not None else ""
    mime_type = content_type(message)
    return ParsedMail(
        message_id=first_message_id(headers.get("message-id", "")),
        in_reply_to=tuple(message_ids(headers.get("in-reply-to", ""))),
        references=tuple(message_ids(headers.get("references", ""))),
        subject=headers.get("subject", ""),
        from_name=name,
        from_address=address,
        reply_to=tuple(addresses(headers.get("reply-to", ""))),
        to=tuple(addresses(all_values(message, "to", charsets))),
        cc=tuple(addresses(all_values(message, "cc", charsets))),
        delivered_to=tuple(
            addresses(
                all_values(message, "delivered-to", charsets)
                + ","
                + all_values(message, "x-original-to", charsets)
            )
        ),
        date=_date(headers.get("date", "")),
        text=text,
        html=html,
        attachments=tuple(attachments),
        headers=headers,
        all_headers=all_headers,
        content_type=mime_type,
        report=delivery_report(message, mime_type, reports, text),
        enclosed_message_ids=tuple(
            dict.fromkeys(r.original_message_id for r in reports if r.original_message_id)
        ),
        defects=tuple(sorted({type(d).__name__ for d in getattr(message, "defects", [])})),
    )


def _sender(value: str) -> tuple[str, str]:
    """The first From with an address; else the name alone (`From: MAILER-DAEMON <>`)."""
    pairs = getaddresses([value]) if value else []
    for name, address in pairs:
        address = bare(address)
        if address:
            return clean_line(name), address
    names = [clean_line(name) for name, _ in pairs if name.strip()]
    if names:
        return names[0], ""
    # No address at all: `From: Webshield SMTP V4.5 Mail Service` is a name, nothing more.
    return (clean_line(value) if "@" not in value and "<" not in value else ""), ""


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
