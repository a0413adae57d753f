"""Audio formats at the edges of a room, converted with PyAV (FFmpeg's codecs and resampler),
not by hand. Inside a room every leg's audio is the same: 20 ms frames of 16-bit mono PCM at
8 kHz as numpy arrays, the telephone's own rate, so the PSTN leg needs no resampling at all.

PyAV is imported where a codec is first made, not with this module: every voice module reads
the constants here as a server starts, and FFmpeg's bindings cost a tenth of a second of each
start, for processes (workers, a server no call reaches) that never carry audio."""

from __future__ import annotations

import fractions
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
    """G.711 μ-law, as Twilio Media Streams carry it (audio/x-mulaw, 8000 Hz, mono)."""

    def __init__(self) -> None:
        import av

        self._encoder = av.CodecContext.create("pcm_mulaw", "w")
        self._encoder.sample_rate, self._encoder.layout, self._encoder.format = RATE, "mono", "s16"
        self._decoder = av.CodecContext.create("pcm_mulaw", "r")
        self._decoder.sample_rate, self._decoder.layout = RATE, "mono"

    def encode(self, pcm: np.ndarray) -> bytes:
        import av

        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        return b"".join(bytes(packet) for packet in self._encoder.encode(frame))

    def decode(self, payload: bytes) -> np.ndarray:
        if not payload:
            return np.zeros(0, dtype=np.int16)
        import av

        frames = self._decoder.decode(av.Packet(payload))
        return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.int16)


class ToRoom:
    """Whatever a WebRTC track delivers (aiortc decodes Opus to 48 kHz stereo) as the room's
    8 kHz mono frames: resampled, then cut into 20 ms pieces."""

    def __init__(self) -> None:
        import av

        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        self._pending = np.zeros(0, dtype=np.int16)

    def push(self, frame: av.AudioFrame) -> list[np.ndarray]:
        pieces = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        self._pending = np.concatenate([self._pending, *pieces]).astype(np.int16)
        whole = len(self._pending) // FRAME_SAMPLES
        frames = [self._pending[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES] for i in range(whole)]
        self._pending = self._pending[whole * FRAME_SAMPLES :]
        return frames


def to_webrtc(pcm: np.ndarray, pts: int) -> av.AudioFrame:
    """A room frame for aiortc's sender, which resamples it and encodes Opus itself."""
    import av

    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate, frame.pts, frame.time_base = RATE, pts, TIME_BASE
    return frame


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
