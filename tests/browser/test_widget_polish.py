"""The widget's polish, in Chromium: each message shows when it was written, the fields are
16 px (a phone zooms into smaller ones), and on a phone the open chat fills the screen."""

import re

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from tests.browser.inbox_world import support_center

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat(platform, host_page):
    support, _people = support_center()
    channel = WebChatChannel.objects.get(key="demo")
    channel.allowed_origins = host_page
    channel.save()
    WebChatTopic.objects.create(channel=channel, label="Support", queue=support)


def start_chat(page, host_page):
    page.goto(host_page)
    widget = page.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    return widget


def test_timestamps_and_16px_fields_on_a_desktop(browser, host_page, chat):
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    widget = start_chat(page, host_page)
    name = widget.locator("#prechat input[name=name]")
    assert name.evaluate("e => getComputedStyle(e).fontSize") == "16px"
    name.fill("Vera Visitor")
    widget.locator("#prechat textarea[name=text]").fill("Hello")
    widget.locator("#prechat button[type=submit]").click()
    first = widget.locator(".message.customer").first
    expect(first.locator("p")).to_have_text("Hello")
    expect(first.locator("time.at")).to_have_text(re.compile(r"\d{1,2}[:.]\d{2}"))
    assert first.locator("time.at").get_attribute("datetime")
    frame = page.locator("iframe[title=Chat]")
    assert frame.get_attribute("data-fullscreen") == "false"
    assert frame.evaluate("e => e.getBoundingClientRect().width") == 400


def test_on_a_phone_the_open_chat_fills_the_screen(browser, host_page, chat):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    start_chat(page, host_page)
    frame = page.locator("iframe[title=Chat]")
    expect(frame).to_have_attribute("data-fullscreen", "true")
    box = frame.bounding_box()
    width, height = page.evaluate("[innerWidth, innerHeight]")  # the page's layout viewport
    assert abs(box["x"]) <= 1 and abs(box["y"]) <= 1
    assert abs(box["width"] - width) <= 1 and abs(box["height"] - height) <= 1
    page.frame_locator("iframe[title=Chat]").locator("#close").click()
    expect(frame).to_have_attribute("data-fullscreen", "false")
