"""The agent in Chromium, with a fake microphone playing espeak-ng speech, answers a phone
call on the console's softphone; the caller is a Twilio Media Stream. Each hears the other's
speech (energy, and cross-correlation with what was said), neither hears themselves; hold,
pausing the recording, the keypad and hang-up work from the console's buttons."""

import asyncio
import threading
import time

import av
import numpy as np
import pytest
from playwright.sync_api import expect

from channels_adapters.voice.media.tokens import SOFTPHONE
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from routing.models import AgentProfile
from tests.browser.test_chat_end_to_end import PASSWORD, log_in
from tests.routing.builders import an_agent
from tests.voice.media.audio import energy, speech, speech_match
from tests.voice.media.conftest import AGENT_SAYS
from tests.voice.media.twilio_stream import TwilioStream, stream_of
from tests.voice.phone import Phone

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CUSTOMER_SAYS = "Hello, I would like to check the invoice for my last order."
# Shares of the source's quarter-seconds found (audio.speech_match): other speech finds none;
# the right speech ~0.9 on an idle machine, and above 0.3 at a load of 15 on two cores.
HEARD, NOT_HEARD = 0.25, 0.1

# Record what the softphone plays to the agent (its remote stream), as 16-bit samples.
START_RECORDING = """() => {
  const context = new AudioContext();
  const source = context.createMediaStreamSource(window.softphone.remote);
  const node = context.createScriptProcessor(4096, 1, 1);
  window.heard = { rate: context.sampleRate, chunks: [] };
  node.onaudioprocess = (e) => window.heard.chunks.push(
    Array.from(e.inputBuffer.getChannelData(0), x => Math.round(x * 32767)));
  source.connect(node); node.connect(context.destination);
  window.heardContext = context;
}"""
STOP_RECORDING = """() => {
  window.heardContext.close();
  return { rate: window.heard.rate, samples: window.heard.chunks.flat() };
}"""


def to_8k(samples: list[int], rate: int) -> np.ndarray:
    # Web Audio's floats may overshoot ±1.0 a little (a decoder's ringing near full scale).
    pcm = np.clip(np.array(samples, dtype=np.int32), -32768, 32767).astype(np.int16).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="s16", layout="mono", rate=8000)
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out)


def test_a_phone_call_answered_on_the_softphone_carries_speech_both_ways(
    client, api, line, queues, media_browser, public_url
):
    agent = an_agent(queues["support"], username="anna", available=False)
    agent.set_password(PASSWORD)
    agent.save()
    AgentProfile.objects.filter(user=agent).update(voice_endpoint=SOFTPHONE)
    console = log_in(media_browser, public_url, "anna")
    console.click("#softphone-power")
    expect(console.locator("#softphone-status")).to_have_text("ready")
    expect(console.locator("#mic-level")).to_be_visible()
    console.select_option("#presence", "available:")

    phone = Phone(client)
    phone.dial_in()
    phone.press("3")
    console.locator(".offer button.accept").click(timeout=20000)
    deadline = time.monotonic() + 15
    while not (updates := [r for r in api.posted(f"/Calls/{phone.call_sid}.json")]):
        assert time.monotonic() < deadline, "Twilio was never told to connect the stream"
        time.sleep(0.2)
    url, parameters = stream_of(updates[-1].field("Twiml"))
    row = Interaction.objects.get(channel="voice")

    steps = {name: threading.Event() for name in ("on", "talked", "held", "heard_hold")}
    steps |= {name: threading.Event() for name in ("keyed", "heard_keys", "hung_up")}
    stream = TwilioStream(url, phone.call_sid)
    customer = speech(CUSTOMER_SAYS)
    spans = {}

    async def step(name: str) -> None:
        while not steps[name].is_set():
            await asyncio.sleep(0.05)

    async def listen(name: str, seconds: float) -> None:
        began = len(stream.heard)
        await stream.play(np.zeros(0, dtype=np.int16), seconds=seconds)
        spans[name] = np.concatenate(stream.heard[began:])

    async def caller():
        await stream.on_the_line(parameters)
        await step("on")
        await stream.play(customer, seconds=len(customer) / 8000 + 4)
        spans["talk"] = stream.heard_samples()
        steps["talked"].set()
        await step("held")
        await listen("hold", 2.0)
        steps["heard_hold"].set()
        await step("keyed")
        await listen("keys", 1.5)
        steps["heard_keys"].set()
        await step("hung_up")
        await stream.stop()  # what Twilio does once the call is completed
        await stream.wait_closed()

    line_thread = threading.Thread(target=lambda: asyncio.run(caller()))
    line_thread.start()
    console.click("#softphone-answer")
    expect(console.locator("#softphone")).to_have_attribute("data-state", "call", timeout=20000)
    expect(console.locator("#call-timer")).to_be_visible()
    console.evaluate(START_RECORDING)
    steps["on"].set()
    assert steps["talked"].wait(60)
    recorded = console.evaluate(STOP_RECORDING)

    console.click("#softphone-hold")
    expect(console.locator("#softphone-hold")).to_have_text("Resume")
    steps["held"].set()
    assert steps["heard_hold"].wait(30)
    console.click("#softphone-hold")
    expect(console.locator("#softphone-hold")).to_have_text("Hold")
    # the caller reads a card number: the recording pauses, and resumes after
    console.click("#softphone-record")
    expect(console.locator("#softphone-record")).to_have_attribute("aria-pressed", "true")
    expect(console.locator("#softphone-record")).to_have_text("Resume recording")
    console.click("#softphone-record")
    expect(console.locator("#softphone-record")).to_have_text("Pause recording")
    console.click("#softphone-keypad-toggle")
    console.click("[data-dtmf='5']")
    steps["keyed"].set()
    assert steps["heard_keys"].wait(30)
    console.click("#softphone-mute")
    expect(console.locator("#softphone-mute")).to_have_attribute("aria-pressed", "true")
    console.click("#softphone-hangup")
    expect(console.locator("#softphone")).to_have_attribute("data-state", "ready")
    steps["hung_up"].set()
    line_thread.join(timeout=30)

    agent_heard = to_8k(recorded["samples"], recorded["rate"])
    caller_heard = spans["talk"]
    assert energy(agent_heard) > 300
    assert speech_match(agent_heard, customer) >= HEARD
    assert speech_match(caller_heard, speech(AGENT_SAYS)) >= HEARD
    assert speech_match(caller_heard, customer) <= NOT_HEARD
    # on hold: music, and not the agent (whose microphone keeps talking)
    assert energy(spans["hold"]) > 300
    assert speech_match(spans["hold"], speech(AGENT_SAYS)) <= NOT_HEARD
    # key 5 is 770 Hz + 1336 Hz, louder there than at the other keys' frequencies
    # Measured in the 100 ms the tone lasts (tones.py), found where it is loudest: the
    # agent's microphone talks over the whole span, and on two busy cores the tone came late
    # in it. Three times (5 dB) above the other keys' frequencies, with speech beneath.
    keys = tone_window(spans["keys"], (770, 1336))
    pressed = min(power(keys, 770), power(keys, 1336))
    assert pressed > 3 * max(power(keys, f) for f in (697, 941, 1209, 1477))
    # The agent hung up with the caller still on the line: the call moves on to the keypad
    # satisfaction survey (docs/channels.md), the agent to wrap-up.
    assert "<Gather" in api.posted(f"/Calls/{phone.call_sid}.json")[-1].field("Twiml")
    assert Interaction.objects.get(pk=row.id).state == "wrap_up"
    logged = [e.type for e in store.read_stream(stream_id(row.id))]
    assert logged.index("RecordingPaused") < logged.index("RecordingResumed")


def tone_window(samples: np.ndarray, frequencies: tuple[float, ...], width: int = 800):
    """The `width` samples (100 ms at 8 kHz) where the tone of `frequencies` is loudest."""
    starts = range(0, max(1, len(samples) - width), width // 4)
    best = max(starts, key=lambda i: min(power(samples[i : i + width], f) for f in frequencies))
    return samples[best : best + width]


def power(samples: np.ndarray, frequency: float) -> float:
    """The signal's power at one frequency (a single DFT bin, Goertzel's measure)."""
    t = np.arange(len(samples)) / 8000
    return float(abs(np.sum(samples * np.exp(-2j * np.pi * frequency * t))) ** 2)
