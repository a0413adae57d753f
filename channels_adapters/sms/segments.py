"""How many SMS segments a text costs, and in which encoding. Pure: the composer calls it as
the agent types (GET /channels/sms/segments/ answers the same in JSON).

GSM-7 (3GPP TS 23.038): 160 characters in one segment, 153 per segment once split (the rest
is the concatenation header); characters of the extension table ({}[]~^|\\€ and form feed)
take two. Any character outside GSM-7 makes the whole message UCS-2: 70 UTF-16 code units
alone, 67 per segment split, and a character outside the BMP (most emoji) takes two units and
is never split across segments.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from channels_adapters import base

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "\f^{}\\[~]|€"
_BASIC, _EXTENDED = frozenset(GSM_BASIC) - {"\x1b"}, frozenset(GSM_EXTENDED)


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str  # "GSM-7" or "UCS-2"
    segments: int
    characters: int  # as the customer sees them
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    per_segment: int  # units one segment holds at this length
    remaining: int  # units left in the last segment
    non_gsm: str  # the characters that forced UCS-2, each once

    def as_dict(self) -> dict:
        return asdict(self)


def encoding(text: str) -> str:
    return "GSM-7" if all(c in _BASIC or c in _EXTENDED for c in text) else "UCS-2"


def _units(text: str, gsm: bool) -> list[int]:
    if gsm:
        return [2 if c in _EXTENDED else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def count(text: str) -> SegmentInfo:
    gsm = encoding(text) == "GSM-7"
    sizes = _units(text, gsm)
    total = sum(sizes)
    single, split = (160, 153) if gsm else (70, 67)
    if total <= single:
        segments, per, used_last = (1 if text else 0), single, total
    else:
        per, segments, used_last = split, 1, 0
        for size in sizes:  # a character is never split between two segments
            if used_last + size > split:
                segments, used_last = segments + 1, 0
            used_last += size
    non_gsm = "" if gsm else "".join(dict.fromkeys(c for c in text if c not in _BASIC | _EXTENDED))
    return SegmentInfo(
        encoding="GSM-7" if gsm else "UCS-2",
        segments=segments,
        characters=len(text),
        units=total,
        per_segment=per,
        remaining=per - used_last if text else single,
        non_gsm=non_gsm,
    )


def billed(event_type: str, data: Mapping[str, Any]) -> int:
    """Twilio bills each segment of a text, sent or received (the survey's and flows' too,
    a flow's menu written out as the customer gets it)."""
    text = str(data.get("text") or "")
    if event_type == "MessageSent":
        text = base.text_menu(text, data.get("channel_data") or {})
    return count(text).segments
