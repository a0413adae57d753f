"""Server-side call recording: two channels, the customer on the left and the agent on the
right, 8 kHz 16-bit WAV, written as the room mixes (a tap). Paused (card numbers) is silence in
the file for exactly the paused stretch, so the file's timeline stays the call's. The finished
file goes through Django's storage API (the file system by default, S3-compatible when
STORAGES says so) and into the log as RecordingSaved."""

import io
import wave
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from channels_adapters.voice.media import codec
from channels_adapters.voice.media.mixing import AGENT, CUSTOMER

CHANNELS = (CUSTOMER, AGENT)  # left, right


@dataclass
class Recorder:
    interaction_id: str
    call_sid: str
    name: str  # the stream's id: one file per stream
    paused: bool = False
    frames: list[np.ndarray] = field(default_factory=list)
    paused_frames: int = 0

    def tap(self, said: dict[str, np.ndarray]) -> None:
        """One tick of the room: what the customer and the agent said (silence if paused)."""
        if self.paused:
            self.paused_frames += 1
            self.frames.append(np.zeros(2 * codec.FRAME_SAMPLES, dtype=np.int16))
            return
        left = said.get(CUSTOMER, codec.silence())
        right = said.get(AGENT, codec.silence())
        self.frames.append(np.column_stack([left, right]).reshape(-1))

    @property
    def seconds(self) -> float:
        return len(self.frames) * codec.FRAME_MS / 1000

    def wav(self) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as file:
            file.setnchannels(2)
            file.setsampwidth(2)
            file.setframerate(codec.RATE)
            if self.frames:
                file.writeframes(np.concatenate(self.frames).astype("<i2").tobytes())
        return out.getvalue()

    def save(self) -> str:
        """Store the file (synchronous: storage may be remote); returns its storage name."""
        path = f"{settings.VOICE_RECORDINGS_PATH}/{self.interaction_id}/{self.name}.wav"
        return storages["default"].save(path, ContentFile(self.wav()))


def read(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A stored recording's two channels (customer, agent) as 8 kHz samples."""
    with storages["default"].open(name, "rb") as stored, wave.open(stored) as file:
        data = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2")
    stereo = data.reshape(-1, 2)
    return stereo[:, 0].copy(), stereo[:, 1].copy()


def peaks(name: str, points: int = 400) -> dict[str, list[float]]:
    """The waveform to draw: for each channel, the peak of each of `points` slices, 0..1."""
    result = {}
    for role, samples in zip(CHANNELS, read(name), strict=True):
        slices = np.array_split(np.abs(samples.astype(np.int32)), max(1, points))
        result[role] = [round(float(s.max()) / 32768, 3) if len(s) else 0.0 for s in slices]
    return result
