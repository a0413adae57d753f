"""Real speech for the tests (espeak-ng, Debian's) and the measures that say it arrived: its
energy, and its normalised cross-correlation with the source at the best lag."""

import subprocess
import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from channels_adapters.voice.media import codec
from tests import system_packages

ESPEAK = "/usr/bin/espeak-ng"
SOX = "/usr/bin/sox"


@cache
def speech(text: str, voice: str = "en-us") -> np.ndarray:
    """`text` spoken by espeak-ng, as the room's 8 kHz mono samples."""
    system_packages.require(ESPEAK, "espeak-ng")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run([ESPEAK, "-v", voice, "-s", "150", "-w", str(wav), text], check=True)
        return codec.load(str(wav))


def wav_for_chromium(samples: np.ndarray, path: Path) -> Path:
    """The samples as the 48 kHz mono WAV Chromium's fake microphone plays (in a loop), made
    by sox."""
    system_packages.require(SOX, "sox")
    raw = path.with_suffix(".raw")
    raw.write_bytes(samples.astype("<i2").tobytes())
    raw_format = ["-t", "raw", "-r", "8000", "-e", "signed", "-b", "16", "-c", "1"]
    subprocess.run([SOX, *raw_format, str(raw), "-r", "48000", "-c", "1", str(path)], check=True)
    return path


def energy(samples: np.ndarray) -> float:
    """Root mean square, in 16-bit units (silence: 0; speech from espeak: thousands)."""
    if len(samples) == 0:
        return 0.0
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def correlation(heard: np.ndarray, source: np.ndarray) -> float:
    """The best normalised cross-correlation of `source` against any stretch of `heard`
    (1.0: the same waveform, whatever the delay and level; noise: near 0)."""
    a = source.astype(np.float64) - source.mean()
    b = heard.astype(np.float64) - heard.mean()
    if len(b) < len(a):
        b = np.concatenate([b, np.zeros(len(a) - len(b))])
    n = 1 << int(np.ceil(np.log2(len(a) + len(b))))
    products = np.fft.irfft(np.fft.rfft(b, n) * np.conj(np.fft.rfft(a, n)), n)[: len(b)]
    squares = np.concatenate([[0.0], np.cumsum(b**2)])
    lags = np.arange(len(b))
    window = squares[np.minimum(lags + len(a), len(b))] - squares[lags]
    norms = np.sqrt(window * np.sum(a**2))
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(norms > 0, products / norms, 0.0)
    return float(np.max(scores))


def speech_match(
    heard: np.ndarray, source: np.ndarray, window_s: float = 0.25, match: float = 0.7
) -> float:
    """How much of the speech of `source` is in `heard`: the share of its voiced quarter-seconds
    that some stretch of `heard` matches with a cross-correlation of at least `match`. A real path
    drops or delays a frame now and then (more on a loaded machine); that shifts what follows by
    20 ms, which one correlation over the whole utterance would punish, but each quarter-second
    still finds its match. Other speech matches no quarter-second at this level (`match`, 0.7);
    a path that codes the speech twice needs a lower one (BROWSER_TO_BROWSER)."""
    size = int(window_s * 8000)
    windows = [source[at : at + size] for at in range(0, len(source) - size + 1, size)]
    loud = [w for w in windows if energy(w) > 0.5 * energy(source)]
    return float(np.mean([correlation(heard, w) >= match for w in loud]))


# One agent's browser to another's: Opus twice, and each browser's echo canceller working on
# a voice while the other one talks over it (both fake microphones play all along). Measured:
# the colleague's quarter-seconds match at a median of 0.64, 93 % of them at 0.5 or more; eight
# seconds of other speech find 0.5 for about 14 % by chance.
BROWSER_TO_BROWSER = 0.5
