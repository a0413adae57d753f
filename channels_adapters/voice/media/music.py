"""Hold music: the file VOICE_HOLD_MUSIC names (any format FFmpeg reads), else a quiet chime
made here, so a caller on hold never hears silence."""

from functools import cache

import numpy as np
from django.conf import settings

from channels_adapters.voice.media import codec


def chime(seconds: float = 4.0) -> np.ndarray:
    """A soft arpeggio (C-E-G-E), half a second a note, fading in and out."""
    notes = [261.63, 329.63, 392.0, 329.63]
    per_note = int(codec.RATE * seconds / len(notes))
    t = np.arange(per_note) / codec.RATE
    envelope = np.minimum(1, np.minimum(t, t[::-1]) * 20)
    tones = [np.sin(2 * np.pi * f * t) * envelope for f in notes]
    return (np.concatenate(tones) * 3000).astype(np.int16)


@cache
def _load(path: str) -> np.ndarray:
    return codec.load(path) if path else chime()


def hold_music() -> np.ndarray:
    return _load(settings.VOICE_HOLD_MUSIC)
