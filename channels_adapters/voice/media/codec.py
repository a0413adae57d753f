"""Audio formats at the edges of a room, converted with PyAV (FFmpeg's codecs and resampler),
not by hand. Inside a room every leg's audio is the same: 20 ms frames of 16-bit mono PCM at
8 kHz as numpy arrays, the telephone's own rate, so the PSTN leg needs no resampling at all.

PyAV is imported where a codec is first made, not with this module: every voice module reads
the constants here as a server starts, and FFmpeg's bindings cost a tenth of a second of each
start, for processes (workers, a server no call reaches) that never carry audio."""

from __future__ import annotations

import fractions
import functools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import av

RATE = 8000
FRAME_MS = 20
FRAME_SAMPLES = RATE * FRAME_MS // 1000  # 160 samples, 160 bytes of μ-law
TIME_BASE = fractions.Fraction(1, RATE)


def silence() -> np.ndarray:
    return np.zeros(FRAME_SAMPLES, dtype=np.int16)


class Mulaw:
    """G.711 μ-law, as Twilio Media Streams carry it (audio/x-mulaw, 8000 Hz, mono).

    FFmpeg's pcm_mulaw codec, applied through its own tables: μ-law is a fixed map between the
    256 codes and 16-bit samples, so the codec is asked once per process what it makes of every
    code and of every sample (`_mulaw_tables`), and a 20 ms frame is then one numpy lookup each
    way. Through PyAV a frame, a packet and a codec call each way cost a tenth of a call's
    server CPU (docs/benchmarks.md, Voice)."""

    def encode(self, pcm: np.ndarray) -> bytes:
        samples = np.ascontiguousarray(pcm, dtype=np.int16)
        return _mulaw_tables()[0][samples.view(np.uint16)].tobytes()

    def decode(self, payload: bytes) -> np.ndarray:
        return _mulaw_tables()[1][np.frombuffer(payload, dtype=np.uint8)]


@functools.cache
def _mulaw_tables() -> tuple[np.ndarray, np.ndarray]:
    """(encode, decode): the μ-law code FFmpeg gives each 16-bit sample, indexed by the
    sample's bits as an unsigned number, and the sample it gives each code."""
    import av

    encoder = av.CodecContext.create("pcm_mulaw", "w")
    encoder.sample_rate, encoder.layout, encoder.format = RATE, "mono", "s16"
    every_sample = np.arange(1 << 16, dtype=np.uint16).view(np.int16)
    frame = av.AudioFrame.from_ndarray(every_sample.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = RATE
    packets = [*encoder.encode(frame), *encoder.encode(None)]
    encode = np.frombuffer(b"".join(bytes(packet) for packet in packets), dtype=np.uint8)

    decoder = av.CodecContext.create("pcm_mulaw", "r")
    decoder.sample_rate, decoder.layout = RATE, "mono"
    frames = decoder.decode(av.Packet(bytes(range(256))))
    decode = np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.int16)
    if len(encode) != 1 << 16 or len(decode) != 256:
        raise RuntimeError("FFmpeg's pcm_mulaw did not give a code per sample")
    return encode, decode


class ToRoom:
    """Whatever a WebRTC track delivers (aiortc decodes Opus to 48 kHz stereo) as the room's
    8 kHz mono frames: resampled, then cut into 20 ms pieces."""

    def __init__(self) -> None:
        import av

        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        self._pending: np.ndarray | None = None  # None: nothing has come out yet

    def push(self, frame: av.AudioFrame) -> list[np.ndarray]:
        pieces = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        if self._pending is None:
            if not pieces:
                return []
            # The resampler's first output falls short of a frame by its delay (144 samples of
            # 160): padded in front with silence, rather than carrying the remainder, which
            # held every later frame back by 18 ms for the whole call.
            start = np.concatenate(pieces).astype(np.int16)
            short = -len(start) % FRAME_SAMPLES
            self._pending = np.zeros(0, dtype=np.int16)
            pieces = [np.concatenate([np.zeros(short, dtype=np.int16), start])]
        if len(pieces) == 1 and len(pieces[0]) == FRAME_SAMPLES and not len(self._pending):
            return pieces  # a 20 ms packet in, a 20 ms frame out: the usual case
        self._pending = np.concatenate([self._pending, *pieces]).astype(np.int16)
        whole = len(self._pending) // FRAME_SAMPLES
        frames = [self._pending[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES] for i in range(whole)]
        self._pending = self._pending[whole * FRAME_SAMPLES :]
        return frames


class FromOpus:
    """A browser's Opus packets as the room's frames. Decoded to mono: a browser's microphone
    is, and decoding to stereo (as aiortc does) only for the resampler to mix it down again
    cost a third more a packet. FFmpeg's libopus always decodes at 48 kHz: `ToRoom` takes it
    to the room's 8 kHz frames."""

    def __init__(self) -> None:
        import av

        self._packet = av.Packet
        self._decoder = av.CodecContext.create("libopus", "r")
        self._decoder.format, self._decoder.layout, self._decoder.sample_rate = "s16", "mono", 48000
        self._to_room = ToRoom()

    def decode(self, payload: bytes) -> list[np.ndarray]:
        frames = []
        for frame in self._decoder.decode(self._packet(payload)):
            frames += self._to_room.push(frame)
        return frames


def to_webrtc(pcm: np.ndarray, pts: int) -> av.AudioFrame:
    """A room frame as PyAV's audio frame: for `ToOpus`, or for an aiortc sender that encodes
    it itself (the tests' and the bench's softphones, standing in for a browser)."""
    import av

    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate, frame.pts, frame.time_base = RATE, pts, TIME_BASE
    return frame


class ToOpus:
    """The room's frames as Opus packets for a WebRTC leg (libopus through PyAV, as aiortc's
    own encoder). Encoded here, not by aiortc's sender: that one resamples every frame to 48 kHz
    stereo and encodes it in a thread of the executor, and the hop to the thread and back cost
    more than the encoding; the room's audio is 8 kHz mono, which Opus takes as it is (its RTP
    clock is 48 kHz whatever the input: `time_base` says how to convert)."""

    # What narrowband speech (the room's 8 kHz) can use: Opus's guidance is 8-12 kbit/s for it.
    # At 32 kbit/s libopus spent half as long again on each frame for speech that decodes no
    # closer to what was said (espeak-ng speech through both, correlation 0.907 against 0.906).
    BITRATE = 20_000
    # libopus's effort per frame (0-10; FFmpeg's default is the most, 10). At 3 it took 53 µs
    # a frame instead of 75 (at 1: 34) for speech that decodes as close to what was said
    # (espeak-ng speech through both: correlation 0.907 at 3, 0.908 at 10, 0.903 at 1). At
    # 10 the encoding was a twelfth of a server's samples with eight calls (py-spy).
    COMPLEXITY = 3

    def __init__(self) -> None:
        import av

        self._encoder = av.CodecContext.create("libopus", "w")
        self._encoder.sample_rate, self._encoder.layout, self._encoder.format = RATE, "mono", "s16"
        self._encoder.bit_rate = self.BITRATE
        self._encoder.options = {
            "application": "voip",
            "compression_level": str(self.COMPLEXITY),
        }
        self._encoder.time_base = TIME_BASE
        self._pts = 0

    def encode(self, pcm: np.ndarray) -> list[av.Packet]:
        """A 20 ms frame's packets (one), stamped in the room's own clock."""
        frame = to_webrtc(pcm, self._pts)
        packets = self._encoder.encode(frame)
        for packet in packets:
            # libopus stamps its first packet before zero (its look-ahead); RTP wants the
            # frames' own steady clock.
            packet.pts, packet.time_base = self._pts, TIME_BASE
        self._pts += len(pcm)
        return packets


def load(path) -> np.ndarray:
    """Any audio file FFmpeg reads (WAV, MP3, Ogg…) as 8 kHz mono samples: hold music,
    announcements. `path` may be an open binary file (from a storage)."""
    import av

    resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
    pieces = []
    with av.open(path) as container:
        for frame in container.decode(audio=0):
            pieces.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
    pieces.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    return np.concatenate(pieces).astype(np.int16) if pieces else silence()
