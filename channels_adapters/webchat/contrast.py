"""Colours the widget can read on its channel's accent (WCAG 2.1 AA: 4.5:1 for text). Pure.

The accent is the business's choice; the text on it (the visitor's own messages, the header,
the buttons) is ours to pick: white or near-black, whichever reads better, and when neither
reaches 4.5:1 on that accent (mid-tones), the accent is darkened until white does. Text in
the accent on white is darkened the same way until it reads there."""

import re

AA = 4.5
LIGHT, DARK = "#ffffff", "#111111"
HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def _rgb(color: str) -> tuple[int, int, int] | None:
    match = HEX.match(color.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(accent: str) -> tuple[str, str]:
    """(accent, ink): the accent as it will show and the text colour on it."""
    rgb = _rgb(accent)
    if rgb is None:
        return accent, LIGHT
    white, black = _rgb(LIGHT), _rgb(DARK)
    if ratio(rgb, white) >= AA:
        return _hex(rgb), LIGHT
    if ratio(rgb, black) >= AA:
        return _hex(rgb), DARK
    while ratio(rgb, white) < AA:
        rgb = tuple(max(0, int(v * 0.9)) for v in rgb)  # type: ignore[assignment]
    return _hex(rgb), LIGHT


def on_white(accent: str) -> str:
    """The accent as text on the widget's white (menu options, call buttons): itself when it
    reads at 4.5:1 there, else darkened until it does (a yellow brand turns ochre)."""
    rgb = _rgb(accent)
    if rgb is None:
        return DARK
    white = _rgb(LIGHT)
    while ratio(rgb, white) < AA:
        rgb = tuple(max(0, int(v * 0.9)) for v in rgb)  # type: ignore[assignment]
    return _hex(rgb)


def _hex(rgb) -> str:
    return "#" + "".join(f"{v:02x}" for v in rgb)
