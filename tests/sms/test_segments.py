"""Segment count and encoding, as the composer shows them while the agent types."""

import pytest

from channels_adapters.sms.segments import count
from tests.routing.builders import an_agent


@pytest.mark.parametrize(
    "text, encoding, segments, units",
    [
        ("", "GSM-7", 0, 0),
        ("Hello", "GSM-7", 1, 5),
        ("a" * 160, "GSM-7", 1, 160),
        ("a" * 161, "GSM-7", 2, 161),
        ("a" * 306, "GSM-7", 2, 306),
        ("a" * 307, "GSM-7", 3, 307),
        ("Price: 5€ {promo}", "GSM-7", 1, 20),  # € { } take two septets
        ("a" * 159 + "€", "GSM-7", 2, 161),
        ("Straße, Ærø, Ñoño", "GSM-7", 1, 17),
        ("Grüße aus Łódź", "UCS-2", 1, 14),
        ("ł" * 70, "UCS-2", 1, 70),
        ("ł" * 71, "UCS-2", 2, 71),
        ("Thanks 👍", "UCS-2", 1, 9),  # the emoji is two UTF-16 units
    ],
)
def test_encoding_and_segments(text, encoding, segments, units):
    info = count(text)
    assert (info.encoding, info.segments, info.units) == (encoding, segments, units)


def test_an_emoji_is_never_split_between_segments():
    info = count("a" * 66 + "👍" + "b")  # 66 + 2 + 1 = 69 units: one segment of 70
    assert info.segments == 1
    split = count("ł" * 66 + "👍" + "ł" * 10)  # the emoji would straddle unit 67
    assert (split.segments, split.units) == (2, 78)
    assert split.remaining == 67 - 12


def test_the_characters_that_force_ucs2_are_named():
    assert count("Café ☕ ok ☕").non_gsm == "☕"


@pytest.mark.django_db
def test_the_composer_asks_over_json(client):
    assert client.get("/channels/sms/segments/", {"text": "x"}).status_code == 302  # login
    client.force_login(an_agent(username="agent", available=False))

    answer = client.get("/channels/sms/segments/", {"text": "ł" * 71}).json()

    assert answer == {
        "encoding": "UCS-2",
        "segments": 2,
        "characters": 71,
        "units": 71,
        "per_segment": 67,
        "remaining": 63,
        "non_gsm": "ł",
    }
