"""The Media Streams messages as Twilio documents them, read in order; anything malformed or
out of order is refused with the reason the leg ends with. Pure: no database, no server."""

import base64
import json

import pytest

from channels_adapters.voice.media import protocol
from channels_adapters.voice.media.protocol import ProtocolError, Reader

STREAM = "MZ" + "1" * 32


def message(event: str, n: int, **body) -> str:
    return json.dumps({"event": event, "sequenceNumber": str(n), "streamSid": STREAM, **body})


START = {
    "start": {
        "accountSid": "AC" + "1" * 32,
        "streamSid": STREAM,
        "callSid": "CA" + "2" * 32,
        "tracks": ["inbound"],
        "customParameters": {"token": "t"},
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
    }
}


def media(n: int, chunk: int, payload: bytes = b"\xff" * 160) -> str:
    return message(
        "media",
        n,
        media={
            "track": "inbound",
            "chunk": str(chunk),
            "timestamp": str(chunk * 20),
            "payload": base64.b64encode(payload).decode(),
        },
    )


def started() -> Reader:
    reader = Reader()
    reader.read(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
    start = reader.read(message("start", 1, **START))
    assert start.call_sid == "CA" + "2" * 32 and start.custom_parameters == {"token": "t"}
    return reader


def test_a_whole_stream_reads_in_order():
    reader = started()
    first = reader.read(media(2, 1))
    assert first.payload == b"\xff" * 160 and first.chunk == 1
    assert reader.read(message("mark", 3, mark={"name": "greeting"})) == protocol.Mark("greeting")
    assert (
        reader.read(message("dtmf", 4, dtmf={"track": "inbound_track", "digit": "5"})).digit == "5"
    )
    assert isinstance(reader.read(message("stop", 5, stop={})), protocol.Stop)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not an object"),
        (media(2, 1), None),  # fine; the cases below follow it
    ],
)
def test_malformed_messages_are_refused(text, reason):
    reader = started()
    if reason is None:
        reader.read(text)
        return
    with pytest.raises(ProtocolError, match=reason):
        reader.read(text)


def test_out_of_order_messages_are_refused():
    reader = started()
    reader.read(media(2, 1))
    with pytest.raises(ProtocolError, match="sequenceNumber 4 after 2"):
        reader.read(media(4, 2))
    reader = started()
    reader.read(media(2, 5))
    with pytest.raises(ProtocolError, match="chunk 3 after 5"):
        reader.read(media(3, 3))
    with pytest.raises(ProtocolError, match="before connected"):
        Reader().read(message("start", 1, **START))
    reader = Reader()
    reader.read(json.dumps({"event": "connected"}))
    with pytest.raises(ProtocolError, match="before start"):
        reader.read(media(1, 1))


def test_another_stream_a_bad_payload_or_format_is_refused():
    reader = started()
    other = json.loads(media(2, 1)) | {"streamSid": "MZ" + "9" * 32}
    with pytest.raises(ProtocolError, match="another stream"):
        reader.read(json.dumps(other))
    reader = started()
    bad = json.loads(media(2, 1))
    bad["media"]["payload"] = "***"
    with pytest.raises(ProtocolError, match="not base64"):
        reader.read(json.dumps(bad))
    reader = Reader()
    reader.read(json.dumps({"event": "connected"}))
    wrong = json.loads(message("start", 1, **START))
    wrong["start"]["mediaFormat"]["encoding"] = "audio/l16"
    with pytest.raises(ProtocolError, match="unsupported encoding"):
        reader.read(json.dumps(wrong))


def test_nothing_after_stop():
    reader = started()
    reader.read(message("stop", 2, stop={}))
    with pytest.raises(ProtocolError, match="after stop"):
        reader.read(media(3, 1))


def test_outbound_messages_are_the_documented_shapes():
    assert json.loads(protocol.media(STREAM, b"\x00\x01")) == {
        "event": "media",
        "streamSid": STREAM,
        "media": {"payload": "AAE="},
    }
    assert json.loads(protocol.mark(STREAM, "m1")) == {
        "event": "mark",
        "streamSid": STREAM,
        "mark": {"name": "m1"},
    }
    assert json.loads(protocol.clear(STREAM)) == {"event": "clear", "streamSid": STREAM}
