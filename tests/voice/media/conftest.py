"""A call on the platform's own media path: the embedded server (`manage.py serve`, which
terminates the audio) on the test database, a Twilio line whose public URL is that server,
a caller put through the flow by the scripted Twilio requests, and an agent on the softphone."""

import time

import pytest

from channels_adapters.voice.media.tokens import SOFTPHONE
from contactcenter.interactions.models import Interaction
from routing import config, offers, presence, router
from routing.models import AgentProfile
from tests import cpu_priority
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LessMotion, serve
from tests.voice.media.audio import speech, wav_for_chromium
from tests.voice.phone import Phone
from tests.voice.twiml_rules import check_twiml

pytestmark = pytest.mark.slow

AGENT_SAYS = "Good morning, this is Anna from billing. How can I help you today?"


@pytest.fixture(autouse=True)
def real_time():
    """Every test here plays speech through the media path in real time and measures what
    was heard: at a higher CPU priority, with the servers and browsers it starts, and no more
    of them at once than the machine has cores."""
    with cpu_priority.one_a_core(), cpu_priority.raised():
        yield


@pytest.fixture
def media_root(tmp_path):
    return tmp_path / "media"


@pytest.fixture
def platform(request, transactional_db, media_root):
    """The server; a test marked `server_env(NAME=value, …)` runs it with those settings."""
    marker = request.node.get_closest_marker("server_env")
    yield from serve(MEDIA_ROOT=str(media_root), **(marker.kwargs if marker else {}))


@pytest.fixture
def public_url(platform, settings, media_root):
    """Twilio signs for the server's URL; this process signs and builds links the same, and
    reads the recordings the server stores."""
    settings.PUBLIC_URL = platform
    settings.MEDIA_ROOT = media_root
    return platform


@pytest.fixture
def softphone_agent(agent):
    """The agent takes calls on the console's softphone, turned on (the microphone allowed):
    only then are calls offered to them."""
    AgentProfile.objects.filter(user=agent).update(voice_endpoint=SOFTPHONE)
    config.invalidate()
    presence.set_softphone(agent.pk, True)
    return agent


def answered_call(client, api, agent) -> tuple[Phone, Interaction, str]:
    """A caller in the support queue whose call the agent accepted: returns the phone, the
    interaction and the TwiML Twilio was told to play (the <Connect><Stream>)."""
    phone = Phone(client)
    phone.dial_in()
    phone.press("3")
    deadline = time.monotonic() + 20
    while (row := Interaction.objects.get(channel="voice")).state != "offered":
        assert time.monotonic() < deadline, f"never offered ({row.state})"
        router.route_once()
        time.sleep(0.2)
    offers.accept_offer(row.id, row.offer_id, agent.pk)
    updates = [r for r in api.posted(f"/Calls/{phone.call_sid}.json") if r.field("Twiml")]
    assert updates, [r.path for r in api.requests]
    return phone, Interaction.objects.get(pk=row.id), check_and_return(updates[-1].field("Twiml"))


def check_and_return(twiml: str) -> str:
    check_twiml(twiml)
    return twiml


@pytest.fixture
def agent_microphone(tmp_path):
    """What the agent says into Chromium's fake microphone (over and over)."""
    return wav_for_chromium(speech(AGENT_SAYS), tmp_path / "agent.wav")


@pytest.fixture
def media_browser(agent_microphone):
    """Chromium with that fake microphone, allowed without asking."""
    from tests import system_packages

    system_packages.require(CHROMIUM, "chromium-headless-shell")
    import os

    from django.db import connections
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={agent_microphone}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield LessMotion(chromium)
        chromium.close()
        connections.close_all()
