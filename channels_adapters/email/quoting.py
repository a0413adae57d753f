"""What of an e-mail to show, and what to fold away: the quoted history and the signature.

`split_message(text, html)` is pure. It works on what is stored (plain text, and HTML already
sanitised by nh3, which has dropped the class and id attributes mail clients mark their quotes
with), so it recognises the quote by its shape and words: an attribution line ("On … wrote:",
in several languages), Outlook's "From: … Sent: … Subject:" block and "-----Original
Message-----", a trailing block of "> " lines or a trailing <blockquote>. A signature starts at
the "-- " line (RFC 3676) or a "Sent from my …" line. Nothing is dropped: the three parts
together are the whole message, and HTML parts are sanitised again after the cut.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

WROTE = (
    r"wrote|schrieb|a écrit|escribió|escreveu|scritto|schreef|geschreven|skrev|kirjoitti"
    r"|napisał|написал|yazdı|写道|書きました"  # noqa: RUF001 (Turkish dotless i)
)
ATTRIBUTION = re.compile(
    r"^(On|Le|Am|El|Em|Il|Op|Den|Dne|W dniu|\d{4}[-/年]).{0,400}?"
    rf"({WROTE})[^\n]{{0,80}}:\s*$"
    r"|^.{0,300}<[^<>\s]+@[^<>\s]+>\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original"
    r"|Messaggio originale|Oorspronkelijk bericht|Forwarded message|Mensagem original)\s*-{2,}",
    re.IGNORECASE,
)
OUTLOOK = re.compile(
    r"^\*?(From|Von|De|Van|Da|Från|Od)\s*:\*?.{0,400}?"
    r"(Sent|Date|Gesendet|Datum|Envoyé|Enviado|Data|Inviato|Verzonden|Skickat)\s*:.{0,400}?"
    r"(Subject|Betreff|Objet|Asunto|Assunto|Oggetto|Onderwerp|Ämne|Temat)\s*:",
    re.IGNORECASE | re.DOTALL,
)
UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
SIGNATURE = re.compile(r"^--\s?$")
MOBILE = re.compile(
    r"^\s*(Sent from my \w+|Sent from (Mail|Outlook) for \w+|Get Outlook for \w+"
    r"|Envoyé de mon \w+|Von meinem \w+ gesendet|Enviado desde mi \w+)",
    re.IGNORECASE,
)
BLOCKS = {
    "div",
    "p",
    "blockquote",
    "li",
    "td",
    "th",
    "table",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
VOID = {"br", "hr", "img", "wbr", "col", "area"}


@dataclass(frozen=True)
class MessageParts:
    text: str = ""  # what to show
    text_signature: str = ""
    text_quoted: str = ""  # the quoted history, to fold away
    html: str = ""
    html_signature: str = ""
    html_quoted: str = ""

    @property
    def has_folded(self) -> bool:
        return any((self.text_signature, self.text_quoted, self.html_signature, self.html_quoted))


def split_message(text: str = "", html: str = "") -> MessageParts:
    shown, signature, quoted = split_text(text or "")
    html_shown, html_signature, html_quoted = split_html(html or "")
    return MessageParts(shown, signature, quoted, html_shown, html_signature, html_quoted)


# -- plain text ---------------------------------------------------------------------------


def split_text(text: str) -> tuple[str, str, str]:
    lines = text.replace("\r\n", "\n").split("\n")
    quote = _text_quote_start(lines)
    signature = _text_signature_start(lines[:quote])
    cut = min(signature, quote)
    shown = "\n".join(lines[:cut]).rstrip()
    if not shown.strip():
        return text, "", ""  # all of it is "quote": a forward, say; show it whole
    return shown, "\n".join(lines[signature:quote]).strip("\n"), "\n".join(lines[quote:])


def _text_quote_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        joined = " ".join(part.strip() for part in lines[i : i + 3])
        if ORIGINAL.match(stripped):
            return i
        if ATTRIBUTION.match(stripped) or (
            stripped[:3].lower() in ("on ", "le ", "am ", "el ") and _wrapped_attribution(lines, i)
        ):
            return i
        if UNDERSCORES.match(line) and OUTLOOK.match(" ".join(lines[i + 1 : i + 8]).strip()):
            return i
        if OUTLOOK.match(" ".join(x.strip() for x in lines[i : i + 7])) and ":" in joined[:12]:
            return i
    return _trailing_quote_block(lines)


def _wrapped_attribution(lines: list[str], i: int) -> bool:
    """Mail clients wrap a long attribution over two or three lines."""
    for n in (2, 3):
        joined = " ".join(part.strip() for part in lines[i : i + n])
        if ATTRIBUTION.match(joined) and re.search(rf"({WROTE})\s*:\s*$", joined, re.I):
            return True
    return False


def _trailing_quote_block(lines: list[str]) -> int:
    """The start of a block of '>' lines that runs to the end (blank lines allowed)."""
    start = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped.startswith(">"):
            start = i
        elif stripped:
            break
    return start if any(line.strip() for line in lines[start:]) else len(lines)


def _text_signature_start(lines: list[str]) -> int:
    for i in range(len(lines) - 1, -1, -1):
        if SIGNATURE.match(lines[i]) or MOBILE.match(lines[i]):
            return i
    return len(lines)


# -- sanitised HTML -----------------------------------------------------------------------


@dataclass
class _Block:
    offset: int  # of the block element's start tag (or of the text, outside any block)
    text: str = ""


class _Layout(HTMLParser):
    """Offsets of the structure that matters for the cut: blocks and their direct text,
    horizontal rules, top-level blockquotes, and signature separators."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.stack: list[tuple[str, int]] = []
        self.blocks: dict[int, _Block] = {}
        self.order: list[int] = []
        self.rules: list[int] = []
        self.quotes: list[tuple[int, int]] = []  # top-level blockquote (start, end)
        self.signatures: list[int] = []
        self.texts: list[int] = []  # offsets of non-blank text
        self._quote_open: int | None = None
        self._quote_depth = 0
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        offset = self._offset()
        if tag == "hr":
            self.rules.append(offset)
        if tag in VOID:
            return
        if tag == "blockquote":
            if self._quote_depth == 0:
                self._quote_open = offset
            self._quote_depth += 1
        self.stack.append((tag, offset))

    def handle_endtag(self, tag):
        if tag == "blockquote" and self._quote_depth:
            self._quote_depth -= 1
            if self._quote_depth == 0 and self._quote_open is not None:
                end = self._offset() + len("</blockquote>")
                self.quotes.append((self._quote_open, end))
                self._quote_open = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not data.strip():
            return
        offset = self._offset()
        self.texts.append(offset)
        if SIGNATURE.match(data.strip() + (" " if data.endswith(" ") else "")) or (
            data.strip() == "--"
        ):
            self.signatures.append(offset)
        block = next((o for t, o in reversed(self.stack) if t in BLOCKS), offset)
        if block not in self.blocks:
            self.blocks[block] = _Block(block)
            self.order.append(block)
        self.blocks[block].text += data


def split_html(html: str) -> tuple[str, str, str]:
    if not html.strip():
        return html, "", ""
    try:
        layout = _Layout(html)
    except Exception:  # HTMLParser is lenient; never let display logic break a page
        return html, "", ""
    quote = _html_quote_start(html, layout)
    signature = next((s for s in reversed(layout.signatures) if s < quote), quote)
    cut = min(signature, quote)
    if not any(offset < cut for offset in layout.texts):
        return html, "", ""
    shown = nh3.clean(html[:cut])
    folded_signature = nh3.clean(html[signature:quote]) if signature < quote else ""
    folded_quote = nh3.clean(html[quote:]) if quote < len(html) else ""
    return shown, folded_signature, folded_quote


def _html_quote_start(html: str, layout: _Layout) -> int:
    starts = []
    for offset in layout.order:
        text = " ".join(layout.blocks[offset].text.split())
        if ORIGINAL.match(text) or ATTRIBUTION.match(text):
            starts.append(offset)
            break
        if OUTLOOK.match(text):
            starts.append(_rule_before(offset, layout))
            break
    for start, end in layout.quotes:
        if not any(t >= end for t in layout.texts):  # nothing but markup after it
            starts.append(start)
            break
    return min(starts) if starts else len(html)


def _rule_before(offset: int, layout: _Layout) -> int:
    """Outlook draws a rule above its header block: fold from the rule."""
    rules = [r for r in layout.rules if r < offset]
    if rules and not any(rules[-1] < t < offset for t in layout.texts):
        return rules[-1]
    return offset
