"""MIME in, one ParsedMail out: headers decoded, bodies in any charset, attachments, and the
delivery report inside a bounce. Pure: bytes in, values out, no I/O.

Mail in the wild is often malformed. The stdlib parser (policy=default) is lenient and records
defects instead of failing; every header and body is read defensively on top of that, so the
only way out of `parse` besides a ParsedMail is `Unparseable` with a reason a person can read.
"""

import email
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.utils import getaddresses, parsedate_to_datetime

from channels_adapters.email.addresses import bare

MAX_DEPTH = 12  # nested multiparts deeper than this are not real mail
MAX_PARTS = 500
MAX_NAME = 150

# Decoders for what mail labels its charsets: WHATWG's mapping of the common labels to the
# superset encodings mail clients actually use (Windows code pages).
CHARSET_ALIASES = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}
MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
MESSAGE_ID_LINE = re.compile(r"^\s*Message-ID:\s*<([^<>\s]+)>", re.IGNORECASE | re.MULTILINE)


class Unparseable(ValueError):
    """The bytes are not a message we can read; the text says why."""


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

    @property
    def failed(self) -> bool:
        """A permanent failure: delays (4.x.x) and successes are reported, not bounces."""
        if self.action:
            return self.action == "failed"
        return not self.status.startswith(("2", "4"))


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
    content_type: str = ""
    report: DeliveryReport | None = None  # when the message is a delivery status notification
    enclosed_message_ids: tuple[str, ...] = ()  # of messages or headers attached to it
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def parse(raw: bytes) -> ParsedMail:
    if not raw or not raw.strip():
        raise Unparseable("the message is empty")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # the parser is lenient; this is a last resort
        raise Unparseable(f"not a MIME message: {error}") from None
    return parse_message(message)


def parse_message(message: Message) -> ParsedMail:
    charsets = _charsets(message)
    headers = _headers(message, charsets)
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
    _walk(message, body_ids, attachments, reports, depth=0)
    text = _text(text_part) if text_part is not None else ""
    html = _text(html_part) if html_part is not None else ""
    content_type = _content_type(message)
    return ParsedMail(
        message_id=_first_id(headers.get("message-id", "")),
        in_reply_to=tuple(_ids(headers.get("in-reply-to", ""))),
        references=tuple(_ids(headers.get("references", ""))),
        subject=headers.get("subject", ""),
        from_name=name,
        from_address=address,
        reply_to=tuple(_addresses(headers.get("reply-to", ""))),
        to=tuple(_addresses(_all(message, "to", charsets))),
        cc=tuple(_addresses(_all(message, "cc", charsets))),
        delivered_to=tuple(
            _addresses(
                _all(message, "delivered-to", charsets)
                + ","
                + _all(message, "x-original-to", charsets)
            )
        ),
        date=_date(headers.get("date", "")),
        text=text,
        html=html,
        attachments=tuple(attachments),
        headers=headers,
        content_type=content_type,
        report=_delivery_report(message, content_type, reports, text),
        enclosed_message_ids=tuple(
            dict.fromkeys(r.original_message_id for r in reports if r.original_message_id)
        ),
        defects=tuple(sorted({type(d).__name__ for d in getattr(message, "defects", [])})),
    )


# -- headers ------------------------------------------------------------------------------


def _headers(message: Message, charsets: tuple[str, ...] = ()) -> dict[str, str]:
    """First value of each header, decoded (RFC 2047, raw 8-bit), one line each."""
    found: dict[str, str] = {}
    for name, value in message.raw_items():
        key = str(name).strip().lower()
        if key and key not in found:
            found[key] = _decode_header(value, charsets)
    return found


def _all(message: Message, name: str, charsets: tuple[str, ...] = ()) -> str:
    """Every value of a header joined with commas (To and Cc may be repeated)."""
    values = [v for k, v in message.raw_items() if str(k).strip().lower() == name]
    return ", ".join(_decode_header(v, charsets) for v in values)


def _raw_header(part: Message, name: str) -> str:
    for key, value in part.raw_items():
        if str(key).strip().lower() == name:
            return _decode_header(value)
    return ""


def _decode_header(value, charsets: tuple[str, ...] = ()) -> str:
    raw = _raw_text(value)
    try:
        parts = decode_header(raw)
    except Exception:
        return _clean_line(raw)
    decoded = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            decoded.append(chunk)
        else:
            decoded.append(decode_bytes(chunk, charset or "", charsets))
    return _clean_line("".join(decoded))


def _raw_text(value) -> str:
    """A raw header value as text; 8-bit bytes (which the parser keeps as surrogates) are
    read as UTF-8, else the body's charset, else Windows-1252."""
    text = str(value)
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    data = text.encode("ascii", "surrogateescape")
    return decode_bytes(data, "utf-8", ())


def _clean_line(text: str) -> str:
    # Unfold and drop control characters: a header is one line of text for us.
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _charsets(message: Message) -> tuple[str, ...]:
    found = []
    try:
        for part in message.walk():
            charset = part.get_content_charset()
            if charset and charset not in found:
                found.append(charset)
            if len(found) > 4:
                break
    except Exception:
        pass
    return tuple(found)


def _sender(value: str) -> tuple[str, str]:
    pairs = getaddresses([value]) if value else []
    for name, address in pairs:
        address = bare(address)
        if address:
            return _clean_line(name), address
    return "", ""


def _addresses(value: str) -> list[str]:
    seen: dict[str, None] = {}
    for _, address in getaddresses([value]) if value else []:
        address = bare(address)
        if address:
            seen.setdefault(address)
    return list(seen)


def _ids(value: str) -> list[str]:
    return list(dict.fromkeys(MESSAGE_ID.findall(value)))


def _first_id(value: str) -> str:
    ids = _ids(value)
    if ids:
        return ids[0]
    value = value.strip().strip("<>").strip()
    return value if value and " " not in value and len(value) <= 250 else ""


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


# -- bodies -------------------------------------------------------------------------------


def decode_bytes(data: bytes, charset: str, fallbacks) -> str:
    """Bytes as text: the declared charset (through CHARSET_ALIASES), UTF-8 when it fits,
    the message's other charsets, then Windows-1252, which decodes anything."""
    declared = (charset or "").strip().strip('"').lower()
    candidates = []
    if declared and declared not in ("us-ascii", "ascii"):
        candidates.append(CHARSET_ALIASES.get(declared, declared))
    candidates.append("utf-8")
    candidates += [CHARSET_ALIASES.get(c.lower(), c.lower()) for c in fallbacks]
    for candidate in dict.fromkeys(candidates):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("cp1252", errors="replace")


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _text(part: Message) -> str:
    try:
        charset = part.get_content_charset() or ""
    except Exception:
        charset = ""
    text = decode_bytes(_payload(part), charset, ())
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


# -- attachments and reports --------------------------------------------------------------


def _walk(part: Message, body_ids: set[int], out: list, reports: list, depth: int) -> None:
    if depth > MAX_DEPTH or len(out) >= MAX_PARTS:
        return
    ctype = _content_type(part)
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
        payload = part.get_payload()
        for child in payload if isinstance(payload, list) else []:
            if isinstance(child, Message):
                _walk(child, body_ids, out, reports, depth + 1)
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
    ctype = _content_type(part)
    content_id = _first_id(_raw_header(part, "content-id"))
    if inner is not None:
        try:
            content = inner.as_bytes(policy=policy.default)
        except Exception:
            content = _payload(part)
    else:
        content = _payload(part)
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
    name = _clean_line(_raw_text(name))
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
            return _first_id(_raw_text(value))
    return ""


def _headers_message_id(part: Message) -> str:
    text = _text(part)
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
                blocks.append({str(k).lower(): _raw_text(v) for k, v in block.raw_items()})
    else:
        for chunk in re.split(r"\r?\n\s*\r?\n", _text(part)):
            fields = {}
            for line in chunk.splitlines():
                name, colon, value = line.partition(":")
                if colon:
                    fields[name.strip().lower()] = value.strip()
            blocks.append(fields)
    recipients, action, status, diagnostic = [], "", "", ""
    for fields in blocks:
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if recipient:
            recipients.append(bare(recipient.split(";")[-1]))
            action = action or fields.get("action", "").strip().lower()
            status = status or fields.get("status", "").strip()
            diagnostic = diagnostic or _clean_line(fields.get("diagnostic-code", ""))
    return DeliveryReport(
        recipients=tuple(r for r in recipients if r),
        action=action,
        status=status,
        diagnostic=diagnostic,
    )


def _delivery_report(
    message: Message, content_type: str, reports: list[DeliveryReport], text: str
) -> DeliveryReport | None:
    """The delivery status notification this message is (RFC 3462/3464), if it is one. A
    forwarded message or a read receipt also carries a message inside: those are no bounce."""
    try:
        report_type = str(message.get_param("report-type") or "").lower()
    except Exception:
        report_type = ""
    if content_type != "multipart/report" or report_type != "delivery-status":
        return None
    merged = DeliveryReport()
    for report in reports:
        merged = DeliveryReport(
            original_message_id=merged.original_message_id or report.original_message_id,
            recipients=merged.recipients or report.recipients,
            action=merged.action or report.action,
            status=merged.status or report.status,
            diagnostic=merged.diagnostic or report.diagnostic,
        )
    if not merged.original_message_id:
        found = MESSAGE_ID_LINE.search(text)
        if found:
            merged = DeliveryReport(**{**merged.__dict__, "original_message_id": found.group(1)})
    return merged


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
