"""Read receipts in Chromium, the console and the widget side by side: the visitor sees *Read*
under their message once the agent has the conversation in front of them — not while it is
only offered, not while the console is a background tab — and under their newest message as
the agent reads on."""

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from contactcenter.events.models import Event
from tests.browser.inbox_world import log_in, support_center

pytestmark = pytest.mark.django_db(transaction=True)

# The console's page can be sent to the background (another tab in front of it) on demand.
BACKGROUND = """
window.__shown = true;
Object.defineProperty(Document.prototype, "visibilityState",
  { configurable: true, get: () => (window.__shown ? "visible" : "hidden") });
Object.defineProperty(Document.prototype, "hidden",
  { configurable: true, get: () => !window.__shown });
"""


def shown(page, visible: bool) -> None:
    page.evaluate(
        "visible => { window.__shown = visible; "
        "document.dispatchEvent(new Event('visibilitychange')); }",
        visible,
    )


@pytest.fixture
def chat(platform, host_page):
    support, _people = support_center(agent1=True)
    channel = WebChatChannel.objects.get(key="demo")
    channel.allowed_origins = host_page
    channel.save()
    WebChatTopic.objects.create(channel=channel, label="Support", queue=support)


def receipts() -> int:
    return Event.objects.filter(type="MessagesRead").count()


def test_the_visitor_sees_read_once_the_agent_has_the_conversation_in_front_of_them(
    browser, platform, host_page, chat, screenshot
):
    context = browser.new_context()
    context.add_init_script(BACKGROUND)
    console = log_in(browser, platform, "agent1", context=context)
    visitor = browser.new_context().new_page()
    visitor.goto(host_page)
    widget = visitor.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    widget.locator("#prechat input[name=name]").fill("Vera Visitor")
    widget.locator("#prechat textarea[name=text]").fill("Where is my parcel?")
    widget.locator("#prechat button[type=submit]").click()
    first = widget.locator(".message.customer").first
    expect(first.locator("time.at")).to_be_visible()

    # Offered, not taken: nobody has read it.
    offer = console.locator(".offer")
    expect(offer).to_be_visible(timeout=15000)
    console.wait_for_timeout(1000)
    expect(widget.locator(".receipt")).to_have_count(0)

    # Taken while the console is behind another tab: still not read.
    shown(console, False)
    offer.locator("button.accept").click()
    expect(console.locator("#thread-title")).to_have_text("Vera Visitor")
    expect(widget.locator("#subtitle")).to_contain_text("Agent1")
    console.wait_for_timeout(1000)
    expect(widget.locator(".receipt")).to_have_count(0)
    assert receipts() == 0

    # The agent comes back to the console: the conversation is in front of them.
    shown(console, True)
    expect(first.locator(".receipt")).to_have_text("Read")
    screenshot(visitor, "read-receipt")

    # A new message while the agent has it open: read at once, and *Read* moves under it.
    widget.locator("#composer textarea").fill("It was due on Monday")
    widget.locator("#composer textarea").press("Enter")
    expect(console.locator(".entry.inbound .body").last).to_have_text("It was due on Monday")
    latest = widget.locator(".message.customer").last
    expect(latest.locator(".receipt")).to_have_text("Read")
    expect(widget.locator(".receipt")).to_have_count(1)
    assert receipts() == 2  # once per message newly seen, however often the console redrew

    # A reload of the widget keeps it where it was.
    visitor.reload()
    widget = visitor.frame_locator("iframe[title=Chat]")
    expect(widget.locator(".message.customer").last.locator(".receipt")).to_have_text("Read")
    expect(widget.locator(".receipt")).to_have_count(1)
