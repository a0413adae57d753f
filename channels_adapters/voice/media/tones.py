"""Keypad tones (DTMF, ITU-T Q.23 frequency pairs) as 8 kHz samples, for the agent's keypad:
the tones go into the caller's audio, so an IVR at the other end hears them as it would from a
phone."""

import numpy as np

from channels_adapters.voice.media import codec

LOW = {"1": 697, "2": 697, "3": 697, "4": 770, "5": 770, "6": 770, "7": 852, "8": 852}
LOW |= {"9": 852, "*": 941, "0": 941, "#": 941}
HIGH = {"1": 1209, "4": 1209, "7": 1209, "*": 1209, "2": 1336, "5": 1336, "8": 1336}
HIGH |= {"0": 1336, "3": 1477, "6": 1477, "9": 1477, "#": 1477}
TONE_S, GAP_S = 0.1, 0.06


def dtmf(digits: str) -> np.ndarray:
    """Each key a 100 ms tone pair and a 60 ms pause; other characters are skipped."""
    t = np.arange(int(TONE_S * codec.RATE)) / codec.RATE
    gap = np.zeros(int(GAP_S * codec.RATE))
    pieces = []
    for key in digits:
        if key in LOW:
            pair = np.sin(2 * np.pi * LOW[key] * t) + np.sin(2 * np.pi * HIGH[key] * t)
            pieces += [pair * 6000, gap]
    return np.concatenate(pieces).astype(np.int16) if pieces else np.zeros(0, dtype=np.int16)
