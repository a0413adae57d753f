"""A caller's audio as Twilio Media Streams sends it: the WebSocket upgrade signed with
X-Twilio-Signature, then `connected`, `start` (with the TwiML's custom parameters), `media`
every 20 ms (base64 μ-law, sequenceNumber, chunk, timestamp), `stop` — exactly the documented
messages. It answers the platform's outbound `mark` as Twilio does (echoing it once played),
honours `clear`, and keeps what it heard as 8 kHz samples."""

import asyncio
import base64
import contextlib
import itertools
import json
import xml.etree.ElementTree as ET

import numpy as np
import websockets
from twilio.request_validator import RequestValidator

from channels_adapters.voice.media.codec import FRAME_SAMPLES, Mulaw
from tests.twilio_api import ACCOUNT, TOKEN

_ids = itertools.count(1)


def stream_of(twiml: str) -> tuple[str, dict[str, str]]:
    """The <Connect><Stream> of a TwiML document: its URL and custom parameters."""
    stream = ET.fromstring(twiml).find("Connect/Stream")
    assert stream is not None, twiml
    return stream.get("url"), {p.get("name"): p.get("value") for p in stream.iter("Parameter")}


class TwilioStream:
    def __init__(self, url: str, call_sid: str, *, auth_token: str = TOKEN):
        self.url, self.call_sid, self.auth_token = url, call_sid, auth_token
        self.stream_sid = f"MZ{next(_ids):032x}"
        self.mulaw = Mulaw()
        self.heard: list[np.ndarray] = []
        self.marks: list[str] = []
        self.clears = 0
        self.sequence = 0
        self.chunk = 0
        self.closed: tuple[int, str] | None = None
        self._socket = None
        self._listener: asyncio.Task | None = None

    async def open(self, signature: str | None = None) -> None:
        if signature is None:
            signature = RequestValidator(self.auth_token).compute_signature(self.url, {})
        headers = {"X-Twilio-Signature": signature} if signature else {}
        self._socket = await websockets.connect(self.url, additional_headers=headers)
        self._listener = asyncio.ensure_future(self._listen())

    async def on_the_line(self, parameters: dict[str, str]) -> None:
        """The call's audio begins, as Twilio begins it: the upgrade, `connected`, `start`."""
        await self.open()
        await self.connected()
        await self.start(parameters)

    async def send(self, message: dict) -> None:
        await self._socket.send(json.dumps(message))

    def _next(self) -> str:
        self.sequence += 1
        return str(self.sequence)

    async def connected(self) -> None:
        await self.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})

    async def start(self, parameters: dict[str, str]) -> None:
        await self.send(
            {
                "event": "start",
                "sequenceNumber": self._next(),
                "start": {
                    "accountSid": ACCOUNT,
                    "streamSid": self.stream_sid,
                    "callSid": self.call_sid,
                    "tracks": ["inbound"],
                    "customParameters": parameters,
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                },
                "streamSid": self.stream_sid,
            }
        )

    async def media(self, pcm: np.ndarray) -> None:
        self.chunk += 1
        await self.send(
            {
                "event": "media",
                "sequenceNumber": self._next(),
                "media": {
                    "track": "inbound",
                    "chunk": str(self.chunk),
                    "timestamp": str((self.chunk - 1) * 20),
                    "payload": base64.b64encode(self.mulaw.encode(pcm)).decode(),
                },
                "streamSid": self.stream_sid,
            }
        )

    async def play(self, samples: np.ndarray, *, seconds: float | None = None) -> None:
        """Say `samples`, then silence up to `seconds`, a 20 ms frame every 20 ms."""
        total = int((seconds or 0) * 8000 / FRAME_SAMPLES) * FRAME_SAMPLES
        padded = np.zeros(max(total, len(samples)), dtype=np.int16)
        padded[: len(samples)] = samples
        loop = asyncio.get_running_loop()
        began = loop.time()
        for n, at in enumerate(range(0, len(padded) - FRAME_SAMPLES + 1, FRAME_SAMPLES)):
            await self.media(padded[at : at + FRAME_SAMPLES])
            await asyncio.sleep(max(0, began + (n + 1) * 0.02 - loop.time()))

    async def stop(self) -> None:
        await self.send(
            {
                "event": "stop",
                "sequenceNumber": self._next(),
                "streamSid": self.stream_sid,
                "stop": {"accountSid": ACCOUNT, "callSid": self.call_sid},
            }
        )

    async def _listen(self) -> None:
        try:
            async for text in self._socket:
                message = json.loads(text)
                assert message.get("streamSid") == self.stream_sid, message
                if message["event"] == "media":
                    payload = base64.b64decode(message["media"]["payload"])
                    self.heard.append(self.mulaw.decode(payload))
                elif message["event"] == "mark":
                    self.marks.append(message["mark"]["name"])
                    await self.send(
                        {
                            "event": "mark",
                            "sequenceNumber": self._next(),
                            "streamSid": self.stream_sid,
                            "mark": {"name": message["mark"]["name"]},
                        }
                    )
                elif message["event"] == "clear":
                    self.clears += 1
        except websockets.ConnectionClosed:
            pass
        finally:
            close = self._socket.close_code, self._socket.close_reason
            self.closed = close

    async def wait_closed(self, timeout: float = 10) -> tuple[int, str]:
        await asyncio.wait_for(asyncio.shield(self._listener), timeout)
        return self.closed

    def heard_samples(self) -> np.ndarray:
        return np.concatenate(self.heard) if self.heard else np.zeros(0, dtype=np.int16)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._socket.close()
