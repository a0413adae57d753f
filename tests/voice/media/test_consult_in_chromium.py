"""A consult from the console, two agents in Chromium with fake microphones playing different
espeak-ng speech, the caller a Twilio Media Stream: Anna asks Bob from her softphone panel, his
console offers the consult and he answers it; the caller hears hold music and neither agent
while they talk; Anna hands the caller over and Bob talks with them from then on."""

import asyncio
import threading
import time

import numpy as np
import pytest
from playwright.sync_api import expect

from channels_adapters.voice.media.tokens import SOFTPHONE
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from routing import config
from routing.models import AgentProfile
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LessMotion
from tests.browser.test_chat_end_to_end import PASSWORD, log_in
from tests.routing.builders import an_agent
from tests.voice.media.audio import (
    BROWSER_TO_BROWSER,
    energy,
    speech,
    speech_match,
    wav_for_chromium,
)
from tests.voice.media.test_softphone_in_chromium import START_RECORDING, STOP_RECORDING, to_8k
from tests.voice.media.twilio_stream import TwilioStream, stream_of
from tests.voice.phone import Phone

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ANNA_SAYS = "Good morning, this is Anna from billing. How can I help you today?"
BOB_SAYS = "Hello there, Bob from the refunds team speaking, one moment please."
HEARD, NOT_HEARD = 0.25, 0.1  # as in test_softphone_in_chromium


@pytest.fixture
def two_browsers(tmp_path):
    """Anna's Chromium and Bob's, each with its own fake microphone."""
    from tests import system_packages

    system_packages.require(CHROMIUM, "chromium-headless-shell")
    import os

    from django.db import connections
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    def launch(playwright, name: str, says: str):
        microphone = wav_for_chromium(speech(says), tmp_path / f"{name}.wav")
        args = [
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}",
            "--autoplay-policy=no-user-gesture-required",
        ]
        return LessMotion(playwright.chromium.launch(executable_path=CHROMIUM, args=args))

    with sync_playwright() as playwright:
        anna, bob = launch(playwright, "anna", ANNA_SAYS), launch(playwright, "bob", BOB_SAYS)
        yield anna, bob
        anna.close()
        bob.close()
        connections.close_all()


def softphone_agent(queue, username: str):
    user = an_agent(queue, username=username, available=False)
    user.set_password(PASSWORD)
    user.save()
    AgentProfile.objects.filter(user=user).update(voice_endpoint=SOFTPHONE)
    config.invalidate()
    return user


def turned_on(console) -> None:
    console.click("#softphone-power")
    expect(console.locator("#softphone-status")).to_have_text("ready")


def test_a_consult_from_the_console_holds_the_caller_then_hands_them_over(
    client, api, line, queues, two_browsers, public_url
):
    softphone_agent(queues["support"], "anna")
    bob_user = softphone_agent(queues["sales"], "bob")  # not in the call's queue
    anna = log_in(two_browsers[0], public_url, "anna")
    bob = log_in(two_browsers[1], public_url, "bob")
    turned_on(anna)
    turned_on(bob)
    anna.select_option("#presence", "available:")

    phone = Phone(client)
    phone.dial_in()
    phone.press("3")
    anna.locator(".offer button.accept").click(timeout=20000)
    deadline = time.monotonic() + 15
    while not (updates := [r for r in api.posted(f"/Calls/{phone.call_sid}.json")]):
        assert time.monotonic() < deadline, "Twilio was never told to connect the stream"
        time.sleep(0.2)
    url, parameters = stream_of(updates[-1].field("Twiml"))
    row = Interaction.objects.get(channel="voice")

    stream = TwilioStream(url, phone.call_sid)
    hung_up = threading.Event()

    async def caller():  # Twilio sends the caller's audio all along: silence here
        await stream.on_the_line(parameters)
        while not hung_up.is_set():
            await stream.play(np.zeros(0, dtype=np.int16), seconds=0.5)
        await stream.stop()
        await stream.wait_closed()

    line_thread = threading.Thread(target=lambda: asyncio.run(caller()))
    line_thread.start()

    def heard_while(seconds: float) -> np.ndarray:
        began = len(stream.heard)
        time.sleep(seconds)
        return np.concatenate(stream.heard[began:])

    anna.click("#softphone-answer")
    expect(anna.locator("#softphone")).to_have_attribute("data-state", "call", timeout=20000)
    before = heard_while(6)

    anna.click("#softphone-consult")
    anna.select_option("#consult-agent", str(bob_user.pk))
    anna.click("#consult-call")
    expect(anna.locator("#consult-status")).to_contain_text("asking")
    expect(bob.locator("#consult-offer")).to_be_visible(timeout=10000)
    expect(bob.locator("#consult-offer-text")).to_contain_text("Consult from")
    bob.click("#consult-answer")
    expect(bob.locator("#softphone")).to_have_attribute("data-state", "call", timeout=20000)
    expect(anna.locator("#consult-status")).to_contain_text("talking to", timeout=10000)
    anna.evaluate(START_RECORDING)
    # Twelve seconds: Bob's microphone says his 5-second line twice over, so each quarter-
    # second of it has two chances to come through a loaded machine's jitter buffer intact
    # (with one, a whole run once matched 7 of his 15 where 8 were needed).
    consulting = heard_while(12)
    anna_recorded = anna.evaluate(STOP_RECORDING)

    anna.click("#consult-hand-over")
    expect(anna.locator("#softphone")).to_have_attribute("data-state", "ready", timeout=10000)
    expect(bob.locator("#softphone-hold")).to_be_enabled(timeout=10000)  # his call now
    after = heard_while(8)
    bob.click("#softphone-hangup")
    expect(bob.locator("#softphone")).to_have_attribute("data-state", "ready", timeout=10000)
    hung_up.set()
    line_thread.join(timeout=30)

    assert speech_match(before, speech(ANNA_SAYS)) >= HEARD
    # The consult: the caller hears the music, neither agent; Anna hears Bob.
    assert energy(consulting) > 300
    assert speech_match(consulting, speech(ANNA_SAYS)) <= NOT_HEARD
    assert speech_match(consulting, speech(BOB_SAYS)) <= NOT_HEARD
    anna_heard = to_8k(anna_recorded["samples"], anna_recorded["rate"])
    assert speech_match(anna_heard, speech(BOB_SAYS), match=BROWSER_TO_BROWSER) >= 0.5
    assert speech_match(anna_heard, speech(ANNA_SAYS), match=BROWSER_TO_BROWSER) <= 0.35
    # Handed over: Bob with the caller, Anna gone.
    assert speech_match(after, speech(BOB_SAYS)) >= HEARD
    assert speech_match(after, speech(ANNA_SAYS)) <= NOT_HEARD
    steps = [
        e.type
        for e in store.read_stream(stream_id(row.id))
        if e.type.startswith("Consult") or e.type in ("InteractionAssigned", "WrapUpStarted")
    ]
    assert steps == [
        "ConsultStarted",
        "ConsultAnswered",
        "InteractionAssigned",
        "ConsultHandedOver",
        "WrapUpStarted",
    ]
    finished = Interaction.objects.get(pk=row.id)
    assert (finished.state, finished.last_agent_id) == ("wrap_up", bob_user.pk)
