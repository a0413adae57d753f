"""Reading MIME defensively: decoded headers, charsets and body text. Pure functions.

Mail in the wild is often malformed. The stdlib parser (policy=default) is lenient and records
defects instead of failing; these helpers read each header and payload on top of that so that
none of them raises: a value that cannot be decoded is decoded less well, never not at all.
"""

import re
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses

from channels_adapters.email.addresses import bare

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


def header_values(message: Message, charsets: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Every value of each header in order, decoded (RFC 2047, raw 8-bit), one line each."""
    found: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        key = str(name).strip().lower()
        if key:
            found.setdefault(key, []).append(decode_header_value(value, charsets))
    return {key: tuple(values) for key, values in found.items()}


def all_values(message: Message, name: str, charsets: tuple[str, ...] = ()) -> str:
    """Every value of a header joined with commas (To and Cc may be repeated)."""
    values = [v for k, v in message.raw_items() if str(k).strip().lower() == name]
    return ", ".join(decode_header_value(v, charsets) for v in values)


def raw_header(part: Message, name: str) -> str:
    for key, value in part.raw_items():
        if str(key).strip().lower() == name:
            return decode_header_value(value)
    return ""


def decode_header_value(value, charsets: tuple[str, ...] = ()) -> str:
    raw = raw_text(value)
    try:
        parts = decode_header(raw)
    except Exception:
        return clean_line(raw)
    decoded = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            decoded.append(chunk)
        else:
            decoded.append(decode_bytes(chunk, charset or "", charsets))
    return clean_line("".join(decoded))


def raw_text(value) -> str:
    """A raw header value as text; 8-bit bytes (which the parser keeps as surrogates) are
    read as UTF-8, else the body's charset, else Windows-1252."""
    text = str(value)
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    data = text.encode("ascii", "surrogateescape")
    return decode_bytes(data, "utf-8", ())


def clean_line(text: str) -> str:
    # Unfold and drop control characters: a header is one line of text for us.
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def charsets_of(message: Message) -> tuple[str, ...]:
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


def addresses(value: str) -> list[str]:
    seen: dict[str, None] = {}
    for _, address in getaddresses([value]) if value else []:
        address = bare(address)
        if address:
            seen.setdefault(address)
    return list(seen)


def message_ids(value: str) -> list[str]:
    return list(dict.fromkeys(MESSAGE_ID.findall(value)))


def first_message_id(value: str) -> str:
    ids = message_ids(value)
    if ids:
        return ids[0]
    value = value.strip().strip("<>").strip()
    return value if value and " " not in value and len(value) <= 250 else ""


def content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


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


def payload(part: Message) -> bytes:
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


def text_of(part: Message) -> str:
    try:
        charset = part.get_content_charset() or ""
    except Exception:
        charset = ""
    text = decode_bytes(payload(part), charset, ())
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
