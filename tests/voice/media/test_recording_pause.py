"""Card data on a call: the agent pauses the recording from the console while the caller reads
their card number, and resumes it. The stored recording is silence on both channels for the
whole paused span — the card number is nowhere in it — what was said before and after is kept,
and the log records the pause and the resume."""

import asyncio
import time

import numpy as np
import pytest
from asgiref.sync import sync_to_async

from channels_adapters.voice.media import codec, recording
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from tests.voice.media.audio import energy, speech, speech_match
from tests.voice.media.conftest import answered_call
from tests.voice.media.twilio_stream import TwilioStream, stream_of

# Pause and resume are asked of this process (the test client) and heard by the server
# terminating the audio: across processes, which takes the Redis channel layer.
pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# No word in common: a quarter-second of one must not match the other.
CARD = "Four one one one, one one one one, one one one one, one one one one."
BEFORE = "I would like to pay my invoice, please."
AFTER = "The expiry date is next year, thank you."


def events(interaction_id: str) -> list:
    return store.read_stream(stream_id(interaction_id))


def silent_run(left: np.ndarray, right: np.ndarray) -> int:
    """The most 20 ms frames in a row that are exactly silent on both channels."""
    frames = min(len(left), len(right)) // codec.FRAME_SAMPLES
    both = np.abs(left[: frames * codec.FRAME_SAMPLES]) + np.abs(
        right[: frames * codec.FRAME_SAMPLES]
    )
    silent = ~both.reshape(frames, codec.FRAME_SAMPLES).any(axis=1)
    longest = run = 0
    for quiet in silent:
        run = run + 1 if quiet else 0
        longest = max(longest, run)
    return longest


def test_a_paused_span_is_silence_in_the_recording(client, api, line, softphone_agent, public_url):
    phone, row, twiml = answered_call(client, api, softphone_agent)
    url, parameters = stream_of(twiml)
    client.force_login(softphone_agent)
    before, card, after = speech(BEFORE), speech(CARD), speech(AFTER)

    def control(action: str) -> None:
        response = client.post(f"/channels/voice/calls/{row.id}/{action}/")
        assert response.status_code == 200, response.content

    def streamed() -> None:
        deadline = time.monotonic() + 10
        while "MediaStreamStarted" not in [e.type for e in events(row.id)]:
            assert time.monotonic() < deadline, "the stream never started"
            time.sleep(0.1)

    async def call() -> None:
        stream = TwilioStream(url, phone.call_sid)
        await stream.on_the_line(parameters)
        await sync_to_async(streamed)()
        await stream.play(before, seconds=len(before) / 8000 + 0.5)
        await sync_to_async(control)("pause-recording")
        # a moment before and after the number: the room has the pause before it is said
        await stream.play(np.zeros(0, dtype=np.int16), seconds=0.4)
        await stream.play(card, seconds=len(card) / 8000 + 0.6)
        await sync_to_async(control)("resume-recording")
        await stream.play(after, seconds=len(after) / 8000 + 0.5)
        await stream.stop()
        await stream.wait_closed()

    asyncio.run(call())

    types = [e.type for e in events(row.id)]
    assert types.index("RecordingPaused") < types.index("RecordingResumed")
    assert types.index("RecordingResumed") < types.index("RecordingSaved")
    (saved,) = [e.data for e in events(row.id) if e.type == "RecordingSaved"]
    assert saved["paused_seconds"] >= len(card) / 8000  # the whole number was paused
    left, right = recording.read(saved["name"])
    # the paused span: exact silence on both channels, at least as long as the pause
    assert silent_run(left, right) >= round(saved["paused_seconds"] / 0.02)
    # the card number is nowhere in the file; what was said around it is
    assert speech_match(left, card) <= 0.1
    assert speech_match(left, before) >= 0.25 and speech_match(left, after) >= 0.25
    assert energy(left) > 300
