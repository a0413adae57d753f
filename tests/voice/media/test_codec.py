"""The room's edges: μ-law for Twilio, Opus out to a browser, whatever a browser's Opus decodes
to back into the room's 8 kHz frames. Each checked against FFmpeg's own codecs (PyAV), as a
browser or Twilio would decode what we send."""

import fractions

import av
import numpy as np

from channels_adapters.voice.media import codec


def tone(frames: int, hz: float = 440.0, rate: int = codec.RATE) -> np.ndarray:
    t = np.arange(frames * rate * codec.FRAME_MS // 1000)
    return (np.sin(2 * np.pi * hz * t / rate) * 8000).astype(np.int16)


def test_mulaw_is_ffmpegs_pcm_mulaw_for_every_sample_and_every_code():
    every_sample = np.arange(1 << 16, dtype=np.uint16).view(np.int16)
    encoder = av.CodecContext.create("pcm_mulaw", "w")
    encoder.sample_rate, encoder.layout, encoder.format = codec.RATE, "mono", "s16"
    frame = av.AudioFrame.from_ndarray(every_sample.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = codec.RATE
    ffmpeg_codes = b"".join(bytes(packet) for packet in encoder.encode(frame))

    decoder = av.CodecContext.create("pcm_mulaw", "r")
    decoder.sample_rate, decoder.layout = codec.RATE, "mono"
    every_code = bytes(range(256))
    ffmpeg_samples = np.concatenate(
        [f.to_ndarray().reshape(-1) for f in decoder.decode(av.Packet(every_code))]
    )

    mulaw = codec.Mulaw()
    assert mulaw.encode(every_sample) == ffmpeg_codes
    assert (mulaw.decode(every_code) == ffmpeg_samples).all()
    assert mulaw.decode(every_code).dtype == np.int16
    # A frame the room mixed may come as any integer array of its samples.
    assert mulaw.encode(every_sample[:160].astype(np.int32)) == ffmpeg_codes[:160]
    assert mulaw.decode(b"").size == 0


def test_opus_to_a_browser_is_one_packet_a_frame_on_a_steady_clock_and_decodes_to_the_speech():
    sent = tone(50)
    opus = codec.ToOpus()
    packets = []
    for at in range(0, len(sent), codec.FRAME_SAMPLES):
        out = opus.encode(sent[at : at + codec.FRAME_SAMPLES])
        assert len(out) == 1
        packets += out
    # aiortc's sender turns pts in time_base into the RTP clock (48 kHz for Opus): steady.
    assert [p.pts for p in packets] == [n * codec.FRAME_SAMPLES for n in range(50)]
    assert all(p.time_base == fractions.Fraction(1, codec.RATE) for p in packets)

    browser = av.CodecContext.create("libopus", "r")  # as a browser (and aiortc) decodes it
    browser.format, browser.layout, browser.sample_rate = "s16", "stereo", 48000
    back_in = codec.ToRoom()
    heard = []
    for packet in packets:
        for frame in browser.decode(av.Packet(bytes(packet))):
            heard += back_in.push(frame)
    heard = np.concatenate(heard)
    # Opus's look-ahead delays it a little; past that, the same tone.
    lags = range(0, 160)
    best = max(np.corrcoef(heard[lag + 800 : lag + 3200], sent[800:3200])[0, 1] for lag in lags)
    assert best > 0.95


def test_a_browsers_audio_enters_the_room_in_the_packet_it_came_in():
    """The resampler's first output is short (its delay): padded once, not carried, so that
    each 20 ms that comes in is a whole frame at once instead of waiting for the next."""
    to_room = codec.ToRoom()
    click_at = 7
    for n in range(20):
        stereo = np.zeros((1, 2 * 960), dtype=np.int16)
        if n == click_at:
            stereo[0, 960:1000] = 20000  # a click in the middle of this packet
        frame = av.AudioFrame.from_ndarray(stereo, format="s16", layout="stereo")
        frame.sample_rate, frame.pts = 48000, n * 960
        out = to_room.push(frame)
        assert [len(f) for f in out] == [codec.FRAME_SAMPLES]
        assert (np.abs(out[0]).max() > 1000) == (n == click_at)
