"""The two ends of a benchmark call, and what they hear.

Each end says the same kind of signal, a 20 ms frame every 20 ms: a quiet carrier tone, and
every half second one loud frame of another tone, the marker (four tones in turn, so a marker
heard up to two seconds late is still told from its neighbours). Its onset, found in what the
other end hears and set against when the frame went out, is the one-way latency; stretches
of what is heard where the carrier is missing (a gap) or shorter than what was said (frames
skipped) are the lost frames.

- `Caller` is a phone caller as Twilio Media Streams carries them: the WebSocket upgrade
  signed with X-Twilio-Signature, then `connected`, `start` (the TwiML's custom parameters),
  a `media` message (base64 μ-law) every 20 ms, `stop`; it hears the platform's `media`.
- `Agent` is a WebRTC peer (aiortc) as the console's softphone is: it offers to the platform's
  signalling endpoint with the agent's session, or to the bare echo of the floor.
- `serve_echo` is the floor: a bare aiortc peer that sends back what it receives.
"""

import asyncio
import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import numpy as np

from channels_adapters.voice.media.codec import FRAME_MS, FRAME_SAMPLES, RATE, Mulaw, ToOpus

MARK_EVERY = 25  # frames: a marker each half second
CARRIER = 3000 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)  # a second, looping cleanly
TONES = (1000, 1300, 1600, 1900)  # Hz: marker k sounds TONES[k % 4]
MARKERS = [
    (20000 * np.sin(2 * np.pi * hz * np.arange(FRAME_SAMPLES) / RATE)).astype(np.int16)
    for hz in TONES
]
LOUD = 12000  # a sample past this is a marker's (the carrier peaks at 3000)
QUIET = 1000  # a block (BLOCK_S) that never gets past this is a gap in the carrier
BLOCK_S = 0.0025  # a 440 Hz carrier peaks in every such block; a gap is found to within one
FRAME_S = FRAME_MS / 1000
MATCH_WITHIN_S = 1.9  # later than this, a marker is not told from the one four before it
CSRF = "b" * 32


def frame(n: int) -> np.ndarray:
    """The n-th 20 ms frame an end says."""
    if n % MARK_EVERY == 0:
        return MARKERS[n // MARK_EVERY % len(TONES)]
    at = n * FRAME_SAMPLES % RATE
    return CARRIER[at : at + FRAME_SAMPLES].astype(np.int16)


@dataclass
class Ear:
    """What one end said (its markers' times) and heard (each piece with its arrival time)."""

    marks_sent: dict[int, float] = field(default_factory=dict)  # marker number -> sent at
    heard: list[tuple[float, np.ndarray]] = field(default_factory=list)
    rate: int = RATE

    def said(self, n: int) -> np.ndarray:
        samples = frame(n)
        if n % MARK_EVERY == 0:
            self.marks_sent[n // MARK_EVERY] = time.perf_counter()
        return samples


@dataclass
class Heard:
    """One direction of one call over a measuring window."""

    latencies: list[float]  # seconds, one per marker heard
    expected: float  # frames said in the window
    lost: float  # frames of them not heard (gaps, skipped, or never arrived)


def tone_at(samples: np.ndarray, index: int, rate: int) -> int:
    """Which of the TONES sounds from `index` on (the strongest over 15 ms)."""
    piece = samples[index : index + int(0.015 * rate)].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(piece * np.hanning(len(piece))))
    strongest = np.fft.rfftfreq(len(piece), 1 / rate)[int(np.argmax(spectrum))]
    return int(np.argmin([abs(strongest - hz) for hz in TONES]))


def hearing(speaker: Ear, listener: Ear, window: tuple[float, float]) -> Heard:
    """How `listener` heard `speaker` between the window's two times (when markers went out)."""
    sent = {k: t for k, t in speaker.marks_sent.items() if window[0] <= t < window[1]}
    expected = len(sent) * MARK_EVERY
    if not listener.heard or not sent:
        return Heard([], expected, expected)
    arrivals = np.array([t for t, _ in listener.heard])
    pieces = [samples for _, samples in listener.heard]
    starts = np.cumsum([0] + [len(p) for p in pieces[:-1]])
    samples = np.concatenate(pieces).astype(np.int32)
    rate = listener.rate
    loud = np.flatnonzero(np.abs(samples) > LOUD)
    onsets = loud[np.concatenate([[True], np.diff(loud) > rate // 4])] if len(loud) else loud
    found: dict[int, tuple[int, float]] = {}  # marker number -> (sample index, latency)
    for index in onsets:
        piece = int(np.searchsorted(starts, index, side="right") - 1)
        at = arrivals[piece] + (index - starts[piece]) / rate
        tone = tone_at(samples, int(index), rate)
        candidates = [
            k for k, t in sent.items() if k % len(TONES) == tone and 0 <= at - t < MATCH_WITHIN_S
        ]
        if candidates:
            k = max(candidates)
            found.setdefault(k, (int(index), at - sent[k]))
    latencies = [latency for _, latency in found.values()]
    if len(found) < 2:
        return Heard(latencies, expected, expected)
    first, last = min(found), max(found)
    begin, end = found[first][0], found[last][0]
    block = int(BLOCK_S * rate)
    span = samples[begin : begin + (end - begin) // block * block]
    peaks = np.abs(span).reshape(-1, block).max(axis=1) if len(span) else span
    gaps_s = float(np.sum(peaks < QUIET)) * BLOCK_S
    said_s = (last - first) * MARK_EVERY * FRAME_S
    heard_s = (end - begin) / rate - gaps_s
    lost_inside = (gaps_s + max(0.0, said_s - heard_s)) / FRAME_S
    outside = expected - (last - first) * MARK_EVERY  # before the first, after the last heard
    return Heard(latencies, expected, min(expected, lost_inside + max(0, outside - MARK_EVERY)))


# -- a phone caller on Twilio Media Streams ----------------------------------------------------


class Caller:
    def __init__(self, url: str, signature: str, call_sid: str, account_sid: str):
        self.url, self.signature = url, signature
        self.call_sid, self.account_sid = call_sid, account_sid
        self.stream_sid = "MZ" + call_sid[2:]
        self.ear = Ear()
        self.mulaw = Mulaw()
        self.sequence = 0
        self.socket = None
        self.listener: asyncio.Future | None = None
        self.closed = ""

    def _numbered(self, event: str, **body) -> str:
        self.sequence += 1
        message = {"event": event, "sequenceNumber": str(self.sequence), **body}
        return json.dumps({**message, "streamSid": self.stream_sid})

    async def dial(self, parameters: dict[str, str]) -> None:
        import websockets

        self.socket = await websockets.connect(
            self.url, additional_headers={"X-Twilio-Signature": self.signature}, max_queue=None
        )
        await self.socket.send(json.dumps({"event": "connected", "protocol": "Call"}))
        media_format = {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}
        start = {
            "accountSid": self.account_sid,
            "streamSid": self.stream_sid,
            "callSid": self.call_sid,
            "tracks": ["inbound"],
            "customParameters": parameters,
            "mediaFormat": media_format,
        }
        await self.socket.send(self._numbered("start", start=start))
        self.listener = asyncio.ensure_future(self._listen())

    async def talk(self, until: float) -> None:
        """A frame every 20 ms until `until` (perf_counter), on schedule even after a stall."""
        began, n = time.perf_counter(), 0
        while time.perf_counter() < until and not self.closed:
            payload = base64.b64encode(self.mulaw.encode(self.ear.said(n))).decode()
            media = {"track": "inbound", "chunk": str(n + 1), "timestamp": str(n * FRAME_MS)}
            await self.socket.send(self._numbered("media", media={**media, "payload": payload}))
            n += 1
            await asyncio.sleep(max(0.0, began + n * FRAME_S - time.perf_counter()))

    async def _listen(self) -> None:
        import websockets

        try:
            async for text in self.socket:
                message = json.loads(text)
                if message.get("event") == "media":
                    pcm = self.mulaw.decode(base64.b64decode(message["media"]["payload"]))
                    self.ear.heard.append((time.perf_counter(), pcm))
        except websockets.ConnectionClosed:
            pass
        self.closed = f"closed {self.socket.close_code} {self.socket.close_reason}"

    async def hang_up(self) -> None:
        if self.socket is None:
            return
        stop = {"accountSid": self.account_sid, "callSid": self.call_sid}
        try:
            await self.socket.send(self._numbered("stop", stop=stop))
            await self.socket.close()
        except Exception:  # closed by the platform already
            pass


# -- an agent's softphone (aiortc) ---------------------------------------------------------------


def _track_class():
    from aiortc import MediaStreamTrack

    class Saying(MediaStreamTrack):
        """The end's frames, paced at 20 ms, as Opus packets for aiortc's sender: encoded here
        as the platform's own legs are (`codec.ToOpus`), as a browser does in a process of its
        own. Given frames, aiortc's sender resamples each to 48 kHz stereo and encodes it in a
        thread of the executor: with fifteen agents this process used 81 % of a core instead
        of 46, and the frames it sent late, which the room skipped, counted as the platform's
        lost frames (docs/benchmarks.md, *Voice, the media's process apart and a lighter
        load generator*)."""

        kind = "audio"

        def __init__(self, ear: Ear):
            super().__init__()
            self.ear, self.n, self.began = ear, 0, None
            self.opus = ToOpus()
            self.ready: list = []

        async def recv(self):
            while not self.ready:
                if self.began is None:
                    self.began = time.perf_counter()
                wait = self.began + self.n * FRAME_S - time.perf_counter()
                await asyncio.sleep(max(0.0, wait))
                self.ready = self.opus.encode(self.ear.said(self.n))
                self.n += 1
            return self.ready.pop(0)

    return Saying


def first_channel(audio) -> np.ndarray:
    """An aiortc frame (Opus decodes to 48 kHz, usually stereo interleaved) as one channel."""
    data = audio.to_ndarray()
    channels = len(audio.layout.channels)
    if audio.format.is_packed and channels > 1:
        return data.reshape(-1)[::channels]
    return data[0]


def peer_connection():
    """A peer with no STUN server: everything is on this host (aiortc would ask Google's)."""
    from aiortc import RTCConfiguration, RTCPeerConnection

    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


class Agent:
    def __init__(self) -> None:
        self.ear = Ear(rate=48000)
        self.pc = peer_connection()
        self.track = _track_class()(self.ear)
        self.pc.addTrack(self.track)
        self.pc.on("track", lambda track: asyncio.ensure_future(self._hear(track)))

    async def _hear(self, track) -> None:
        from aiortc.mediastreams import MediaStreamError

        try:
            while True:
                audio = await track.recv()
                self.ear.rate = audio.sample_rate
                self.ear.heard.append((time.perf_counter(), first_channel(audio)))
        except MediaStreamError:
            pass

    async def connect(self, answer_for: Callable[[str], str]) -> None:
        """Offer (every candidate gathered); `answer_for(sdp)` returns the answer's SDP."""
        from aiortc import RTCSessionDescription

        await self.pc.setLocalDescription(await self.pc.createOffer())
        answer = await asyncio.to_thread(answer_for, self.pc.localDescription.sdp)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

    async def close(self) -> None:
        await self.pc.close()


def post_json(url: str, body: dict, cookie: str, method: str = "POST") -> dict:
    """A console request with the agent's session and the CSRF pair Django checks."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={
            "Content-Type": "application/json",
            "Cookie": f"{cookie}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{url} answered {error.code}: {error.read()[:300]!r}") from None


# -- the floor: a bare aiortc echo ----------------------------------------------------------------


def serve_echo(offers: Connection) -> None:
    """In a process of its own: answer each offer that comes down the pipe with a peer that
    sends back what it hears (aiortc decodes it and encodes it again), until None comes."""
    from aiortc import RTCSessionDescription

    async def main() -> None:
        loop = asyncio.get_running_loop()
        peers = []
        while (sdp := await loop.run_in_executor(None, offers.recv)) is not None:
            pc = peer_connection()
            pc.on("track", lambda track, pc=pc: pc.addTrack(track))
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            peers.append(pc)
            offers.send(pc.localDescription.sdp)
        for pc in peers:
            await pc.close()

    asyncio.run(main())
