"""Card numbers (PANs) found in free text, and their masking.

Pure: no Django, no I/O. A card number here is 13 to 19 digits that pass the Luhn check,
written together or in groups split by single spaces or dashes, and not glued to letters or
other digits (so order ids, hex ids and phone numbers with too few digits are left alone).
The last four digits stay readable, as on a receipt; every other digit becomes `*`.
"""

import re
from collections.abc import Iterator

MASK = "*"
MIN_DIGITS, MAX_DIGITS = 13, 19

# A run of digits whose groups are split by one space or dash, bounded by anything that is not
# a word character (letters and digits glued to it make it part of something else).
_RUN = re.compile(r"(?<!\w)\d+(?:[ -]\d+)*(?!\w)")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every card scheme uses for its last digit."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_card_number(candidate: str) -> bool:
    digits = candidate.replace(" ", "").replace("-", "")
    return digits.isdigit() and MIN_DIGITS <= len(digits) <= MAX_DIGITS and luhn_valid(digits)


def find(text: str) -> list[tuple[int, int]]:
    """(start, end) of every card number in `text`, left to right, not overlapping."""
    found: list[tuple[int, int]] = []
    for run in _RUN.finditer(text):
        found.extend(_cards_in_run(run.group(), run.start()))
    return found


def _cards_in_run(run: str, offset: int) -> Iterator[tuple[int, int]]:
    """A whole run that is a card, or else the longest card made of whole groups within it,
    leftmost first (a card followed by an expiry date or a CVC written the same way)."""
    if is_card_number(run):
        yield offset, offset + len(run)
        return
    groups = [(m.start(), m.end()) for m in re.finditer(r"\d+", run)]
    index = 0
    while index < len(groups):
        match = _longest_card_from(run, groups, index)
        if match is None:
            index += 1
            continue
        end_index, (start, end) = match
        yield offset + start, offset + end
        index = end_index + 1


def _longest_card_from(
    run: str, groups: list[tuple[int, int]], first: int
) -> tuple[int, tuple[int, int]] | None:
    for last in range(len(groups) - 1, first - 1, -1):
        start, end = groups[first][0], groups[last][1]
        if is_card_number(run[start:end]):
            return last, (start, end)
    return None


def mask(text: str) -> str:
    """`text` with every card number's digits but the last four replaced by `*`.

    Repeated until nothing more is found: the four digits left readable could start a
    second number with the groups after them, and masking twice must change nothing."""
    if not text or not any(c.isdigit() for c in text):
        return text
    while (masked := _mask_once(text)) != text:
        text = masked
    return text


def _mask_once(text: str) -> str:
    spans = find(text)
    if not spans:
        return text
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        pieces.append(_masked(text[start:end]))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _masked(number: str) -> str:
    keep = 4
    out = []
    for char in reversed(number):
        if char.isdigit():
            out.append(char if keep > 0 else MASK)
            keep -= 1
        else:
            out.append(char)
    return "".join(reversed(out))
