"""A queue's recording policy: its consent announcement is what the caller hears as the audio
comes to the platform, and a queue that does not record stores no recording."""

import asyncio
import base64
import io
import json
import wave

import numpy as np
import pytest
from django.core.files.base import ContentFile

from channels_adapters.voice.media import tokens
from channels_adapters.voice.media.codec import Mulaw
from channels_adapters.voice.models import RecordingPolicy
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from tests.voice.media.test_protocol import media
from tests.voice.media.test_softphone_in_chromium import power
from tests.voice.media.test_stream_refusals import (
    CONNECTED,
    closed_with,
    on_the_call,  # noqa: F401 (a fixture)
    signature,
    start,
    stream,
)

pytestmark = pytest.mark.django_db(transaction=True)


def a_tone_wav(frequency: float, seconds: float = 1.0) -> bytes:
    t = np.arange(int(16000 * seconds)) / 16000
    samples = (np.sin(2 * np.pi * frequency * t) * 12000).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(16000)
        file.writeframes(samples.tobytes())
    return out.getvalue()


def test_the_consent_announcement_plays_and_an_unrecorded_queue_stores_nothing(
    on_the_call,  # noqa: F811
    queues,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    call_sid, interaction_id = on_the_call
    policy = RecordingPolicy(queue=queues["support"], record=False)
    policy.announcement.save("consent.wav", ContentFile(a_tone_wav(1000)))

    async def talk():
        socket = await stream(signature())
        await socket.send_to(text_data=CONNECTED)
        await socket.send_to(text_data=start(call_sid, tokens.issue(call_sid, interaction_id)))
        heard = []
        for n in range(25):  # half a second of the caller's audio, and what came back
            await socket.send_to(text_data=media(n + 2, n + 1))
            output = json.loads(await socket.receive_from(timeout=5))
            if output["event"] == "media":
                heard.append(Mulaw().decode(base64.b64decode(output["media"]["payload"])))
            await asyncio.sleep(0.02)
        await socket.send_to(
            text_data=json.dumps(
                {"event": "stop", "sequenceNumber": "27", "streamSid": "MZ" + "1" * 32}
            )
        )
        await closed_with(socket)
        return np.concatenate(heard)

    heard = asyncio.run(talk()).astype(float)
    assert power(heard, 1000) > 20 * power(heard, 1500)  # the announcement's tone
    types = [e.type for e in store.read_stream(stream_id(interaction_id))]
    assert "MediaStreamEnded" in types and "RecordingSaved" not in types
