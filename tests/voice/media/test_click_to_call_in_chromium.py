"""Click-to-call in Chromium: the agent (softphone on, a fake microphone speaking) opens a
customer and presses Call. A number on the do-not-call list is refused with the reason shown
in the panel (no dialog); otherwise Twilio is asked to ring the customer, the softphone panel
shows the call, and when the customer answers (Twilio's Media Stream) they hear the agent.
Hang up from the softphone ends the call and starts the wrap-up."""

import asyncio
import threading
import time

import numpy as np
import pytest
from playwright.sync_api import expect

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from crm import customers
from crm.identities import normalise
from outbound.models import DoNotCallList, DoNotCallNumber
from tests.browser.test_chat_end_to_end import log_in
from tests.factories import chat_message
from tests.twilio_api import ACCOUNT, NUMBER
from tests.twilio_hooks import post
from tests.voice.media.audio import speech, speech_match
from tests.voice.media.conftest import AGENT_SAYS
from tests.voice.media.test_consult_in_chromium import softphone_agent, turned_on
from tests.voice.media.twilio_stream import TwilioStream, stream_of

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CUSTOMER = "+14155550100"
HEARD = 0.25  # as in test_softphone_in_chromium


def placed_call(interaction_id: str) -> str:
    return next(
        e.data["call_sid"]
        for e in store.read_stream(stream_id(interaction_id))
        if e.type == "CallStarted"
    )


def test_the_call_button_calls_the_customer_on_the_softphone(
    client, api, line, queues, media_browser, public_url
):
    agent = softphone_agent(queues["support"], "anna")
    console = log_in(media_browser, public_url, "anna")
    turned_on(console)
    console.select_option("#presence", "available:")
    chat = ingest(chat_message(text="Could you ring me about my bill?")).interaction_id
    customers.add_identity(
        Interaction.objects.get(pk=chat).customer_id, normalise("phone", CUSTOMER)
    )
    console.locator(".offer button.accept").click(timeout=20000)

    panel = console.locator("#reach-out")
    call = panel.locator("button[data-channel=voice]")
    expect(call).to_be_enabled(timeout=10000)
    # Put on the do-not-call list after the panel was drawn: the server still refuses, and says why.
    internal = DoNotCallList.objects.create(name="internal", internal=True)
    listed = DoNotCallNumber.objects.create(list=internal, phone=CUSTOMER)
    call.click()
    status = console.locator("#reach-out-status")
    expect(status).to_contain_text("do-not-call list 'internal'")
    expect(status).to_have_class("meta refused")
    assert api.posted("/Calls.json") == []
    listed.delete()

    call.click()
    expect(status).to_contain_text(f"Calling {CUSTOMER}")
    expect(console.locator("#softphone")).to_have_attribute("data-state", "call", timeout=20000)
    expect(console.locator("#softphone-hangup")).to_be_enabled()
    (placed,) = api.posted("/Calls.json")
    assert placed.field("To") == CUSTOMER and placed.field("From") == NUMBER
    row = Interaction.objects.get(channel="voice")
    assert (row.direction, row.state, row.agent_id) == ("outbound", "active", agent.pk)
    call_sid = placed_call(row.id)

    picked_up = post(
        client,
        "/hooks/twilio/voice/outbound/",
        {"CallSid": call_sid, "AccountSid": ACCOUNT, "From": NUMBER, "To": CUSTOMER},
    )
    url, parameters = stream_of(picked_up.text)

    async def customer_listens() -> np.ndarray:
        stream = TwilioStream(url, call_sid)
        await stream.on_the_line(parameters)
        await stream.play(np.zeros(0, dtype=np.int16), seconds=len(speech(AGENT_SAYS)) / 8000 + 4)
        await stream.stop()
        await stream.wait_closed()
        return stream.heard_samples()

    heard = {}  # Playwright's sync API holds this thread's event loop: the line gets its own
    line = threading.Thread(target=lambda: heard.update(samples=asyncio.run(customer_listens())))
    line.start()
    line.join(timeout=60)
    assert speech_match(heard["samples"], speech(AGENT_SAYS)) >= HEARD

    console.click("#softphone-hangup")
    expect(console.locator("#softphone")).to_have_attribute("data-state", "ready", timeout=10000)
    deadline = time.monotonic() + 10
    while Interaction.objects.get(pk=row.id).state != "wrap_up":
        assert time.monotonic() < deadline, Interaction.objects.get(pk=row.id).state
        time.sleep(0.2)
    assert api.posted(f"/Calls/{call_sid}.json")[-1].field("Status") == "completed"
