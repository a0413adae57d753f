"""The demo page `make run` points a new user to, on a phone in Chromium: it shows the embed
snippet with the URL the platform is really served at (no PUBLIC_URL set, a port other than
8000), fits the screen, and its chat window opens."""

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from tests.browser.conftest import serve
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def platform_without_public_url(transactional_db):
    yield from serve(PUBLIC_URL="")  # as a shell on a new machine: not set


def test_the_demo_page_shows_the_real_embed_url_and_fits_a_phone(
    browser, platform_without_public_url
):
    base = platform_without_public_url
    chat = WebChatChannel.objects.create(key="demo", name="Demo", title="Acme support")
    WebChatTopic.objects.create(channel=chat, label="Support", queue=a_queue("Support"))
    page = browser.new_context(**PHONE).new_page()

    page.goto(f"{base}/demo/widget/")

    expect(page.locator("pre")).to_have_text(
        f'<script src="{base}/widget.js" data-channel="demo" async></script>'
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    widget = page.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    expect(widget.locator("#prechat")).to_be_visible()
