"""Twilio Media Streams, the WebSocket protocol, as documented
(https://www.twilio.com/docs/voice/media-streams/websocket-messages). Pure: `Reader` checks the
messages Twilio sends (connected, start, media, dtmf, mark, stop) in order and turns them into
typed values; the outbound messages (media, mark, clear) are built here too. Anything
malformed or out of order raises `ProtocolError`, whose text is the reason the leg ends with."""

import base64
import binascii
import json
from dataclasses import dataclass, field

MAX_PAYLOAD = 8000  # bytes of μ-law in one media message: a second (Twilio sends 20 ms)
ENCODING = "audio/x-mulaw"


class ProtocolError(Exception):
    pass


@dataclass(frozen=True)
class Start:
    stream_sid: str
    call_sid: str
    account_sid: str
    tracks: tuple[str, ...]
    custom_parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Media:
    chunk: int
    timestamp_ms: int
    payload: bytes  # μ-law, 8 kHz mono


@dataclass(frozen=True)
class Mark:
    name: str


@dataclass(frozen=True)
class Dtmf:
    digit: str


@dataclass(frozen=True)
class Stop:
    pass


def _int(value: object, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ProtocolError(f"{what} is not a number: {value!r}") from None


def _object(value: object, what: str) -> dict:
    if not isinstance(value, dict):
        raise ProtocolError(f"{what} is not an object")
    return value


class Reader:
    """One stream's inbound messages: connected, start, then media/dtmf/mark, then stop, with
    sequence numbers that count up by one and media chunks that never go back."""

    def __init__(self) -> None:
        self.connected = False
        self.start: Start | None = None
        self.stopped = False
        self._sequence = 0
        self._chunk = 0

    def read(self, text: str) -> object:
        try:
            message = _object(json.loads(text), "the message")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ProtocolError("the message is not JSON") from None
        event = message.get("event")
        if self.stopped:
            raise ProtocolError(f"{event!r} after stop")
        if event == "connected":
            if self.connected:
                raise ProtocolError("connected twice")
            self.connected = True
            return None
        if not self.connected:
            raise ProtocolError(f"{event!r} before connected")
        self._count(message)
        if event == "start":
            return self._start(message)
        if self.start is None:
            raise ProtocolError(f"{event!r} before start")
        if message.get("streamSid") != self.start.stream_sid:
            raise ProtocolError("a message for another stream")
        if event == "media":
            return self._media(_object(message.get("media"), "media"))
        if event == "mark":
            return Mark(str(_object(message.get("mark"), "mark").get("name", "")))
        if event == "dtmf":
            return Dtmf(str(_object(message.get("dtmf"), "dtmf").get("digit", ""))[:1])
        if event == "stop":
            self.stopped = True
            return Stop()
        raise ProtocolError(f"unknown event {event!r}")

    def _count(self, message: dict) -> None:
        number = _int(message.get("sequenceNumber"), "sequenceNumber")
        if number != self._sequence + 1 and self._sequence:
            raise ProtocolError(f"sequenceNumber {number} after {self._sequence}")
        self._sequence = number

    def _start(self, message: dict) -> Start:
        if self.start is not None:
            raise ProtocolError("start twice")
        start = _object(message.get("start"), "start")
        media_format = _object(start.get("mediaFormat", {}), "mediaFormat")
        if media_format.get("encoding", ENCODING) != ENCODING:
            raise ProtocolError(f"unsupported encoding {media_format.get('encoding')!r}")
        if _int(media_format.get("sampleRate", 8000), "sampleRate") != 8000:
            raise ProtocolError("the sample rate is not 8000")
        parameters = _object(start.get("customParameters", {}), "customParameters")
        stream_sid = str(start.get("streamSid") or message.get("streamSid") or "")
        if not stream_sid or not start.get("callSid"):
            raise ProtocolError("start without streamSid or callSid")
        self.start = Start(
            stream_sid=stream_sid,
            call_sid=str(start["callSid"]),
            account_sid=str(start.get("accountSid", "")),
            tracks=tuple(str(t) for t in start.get("tracks", ["inbound"])),
            custom_parameters={str(k): str(v) for k, v in parameters.items()},
        )
        return self.start

    def _media(self, media: dict) -> Media:
        chunk = _int(media.get("chunk"), "chunk")
        if chunk <= self._chunk:
            raise ProtocolError(f"media chunk {chunk} after {self._chunk}")
        self._chunk = chunk
        try:
            payload = base64.b64decode(str(media.get("payload", "")), validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError("the media payload is not base64") from None
        if len(payload) > MAX_PAYLOAD:
            raise ProtocolError(f"a media payload of {len(payload)} bytes")
        return Media(chunk, _int(media.get("timestamp", 0), "timestamp"), payload)


def media(stream_sid: str, mulaw: bytes) -> str:
    payload = base64.b64encode(mulaw).decode()
    return json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": payload}})


def mark(stream_sid: str, name: str) -> str:
    return json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})


def clear(stream_sid: str) -> str:
    return json.dumps({"event": "clear", "streamSid": stream_sid})
