"""Whatever bytes arrive, the result is a stored message or a clean refusal with a reason:
never an exception escaping the parser or the intake."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels_adapters.email import intake
from channels_adapters.email.inboxes import Inbox
from channels_adapters.email.models import EmailChannel
from channels_adapters.email.parsing import ParsedMail, Unparseable, parse
from contactcenter.interactions.models import TranscriptEntry
from tests.routing.builders import a_queue

HEADER_NAMES = [
    "From",
    "To",
    "Cc",
    "Subject",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Content-ID",
    "Auto-Submitted",
    "Date",
    "X-Weird",
]
NASTY = [
    "=?utf-8?q?broken",
    "=?x-unknown?b?AAAA?=",
    "=?shift_jis?B?ko2Vtg==?=",
    "=?iso-8859-1?q?J=F6rg?= <j@example.org>",
    "multipart/mixed; boundary=",
    'multipart/alternative; boundary="b1"',
    "multipart/report; report-type=delivery-status; boundary=r",
    "text/plain; charset=x-nonexistent",
    "text/html; charset=utf-7",
    "message/rfc822",
    "message/delivery-status",
    "base64",
    "quoted-printable",
    'attachment; filename="../../etc/passwd"',
    "attachment; filename*=utf-8''%E2%82%AC%20rates.pdf",
    "<a@b> <<<>>> <",
    "Carla <carla@example.org>, , ,@,",
    "x@localhost",
    "a@b.c",
    "<support@example.com>",
    "\udcff\udcfe",
    "a" * 2000,
    "<" + "x" * 300 + "@example.org>",
    "N" * 300 + " <n@example.org>",
    "",
]
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200)
values = st.one_of(st.sampled_from(NASTY), text)


@st.composite
def parts(draw, depth=0):
    headers = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), values), max_size=6))
    lines = [f"{name}: {value}" for name, value in headers]
    if depth < 3 and draw(st.booleans()):
        boundary = draw(st.sampled_from(["b1", "r", "", "=_x"]))
        lines.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        children = draw(st.lists(parts(depth + 1), max_size=3))
        body = "".join(f"\r\n--{boundary}\r\n{child}" for child in children)
        if draw(st.booleans()):
            body += f"\r\n--{boundary}--\r\n"
    else:
        body = draw(st.one_of(text, st.sampled_from(["=ZZ=\r\n==", "!!notbase64!!", "AAAA===="])))
    return "\r\n".join(lines) + "\r\n\r\n" + body


messages = st.one_of(
    st.binary(max_size=2000),
    parts().map(lambda m: m.encode("utf-8", "surrogateescape")),
    parts().map(lambda m: m.encode("utf-8", "surrogateescape").replace(b"\r\n", b"\n")),
    st.tuples(parts(), st.binary(max_size=200)).map(
        lambda t: t[0].encode("utf-8", "surrogateescape") + t[1]
    ),
)


@settings(max_examples=400, deadline=None)
@given(raw=messages)
def test_the_parser_returns_a_message_or_a_reason(raw):
    try:
        result = parse(raw)
    except Unparseable as refusal:
        assert str(refusal)
    else:
        assert isinstance(result, ParsedMail)


@pytest.fixture
def inbox(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    channel = EmailChannel.objects.create(
        name="Fuzz", addresses="support@example.com", queue=a_queue("Fuzz", entry=None)
    )
    return Inbox(channel, "support@example.com")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=messages, envelope=st.sampled_from(["", "sender@example.org", None]))
def test_intake_stores_a_message_or_refuses_it_with_a_reason(inbox, raw, envelope):
    before = TranscriptEntry.objects.count()
    try:
        outcome = intake.receive(
            inbox, raw, envelope_from=envelope, recipients=("support@example.com",)
        )
    except intake.Refused as refusal:
        assert refusal.code >= 500 and refusal.reason
        assert TranscriptEntry.objects.count() == before
    else:
        stored = outcome.duplicate or outcome.dropped or TranscriptEntry.objects.count() > before
        assert stored, outcome
