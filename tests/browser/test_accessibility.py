"""Accessibility, checked by axe-core (the npm package, package.json; `make test` installs it)
served to each page by the test: no serious or critical violation on the console (with a
conversation, the inbox and the composer's tools open), the widget (closed, pre-chat form,
chatting) and the wallboard."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from tests.browser.inbox_world import a_chat, log_in, support_center
from tests.system_packages import in_ci

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.help} at ` +
              v.nodes.map(n => n.target.join(" ")).join("; "));
}"""


@pytest.fixture
def axe():
    if not AXE.exists():
        reason = f"{AXE} is missing: `npm install` (or `make test`) installs axe-core"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text()


def violations(frame, axe: str) -> list[str]:
    if not frame.evaluate("typeof window.axe !== 'undefined'"):
        frame.evaluate(axe)  # through the debugging protocol: the page's own CSP stays on
    return frame.evaluate(SERIOUS)


def test_the_console_has_no_serious_violation(browser, platform, axe):
    _support, people = support_center()
    a_chat(people["agent1"], text="Can you help? See https://example.com/orders please")
    page = log_in(browser, platform, "agent1")
    expect(page.locator("#thread-title")).to_have_text("Vera Visitor")
    page.click("#inbox summary")
    page.click("#emoji-button")
    assert violations(page, axe) == []
    page.click("#inbox-view-queues")
    page.fill("#search", "help")
    expect(page.locator("#search-results .search-result")).to_have_count(1)
    assert violations(page, axe) == []


def test_the_widget_has_no_serious_violation(browser, platform, host_page, axe):
    support, _people = support_center(agent1=True)
    chat = WebChatChannel.objects.get(key="demo")
    chat.allowed_origins = host_page
    chat.save()
    WebChatTopic.objects.create(channel=chat, label="Support", queue=support)
    visitor = browser.new_context().new_page()
    visitor.goto(host_page)
    frame_element = visitor.locator("iframe[title=Chat]")
    expect(frame_element).to_be_attached()
    widget = visitor.frame_locator("iframe[title=Chat]")
    expect(widget.locator("#launcher")).to_be_visible()
    frame = next(f for f in visitor.frames if "/widget/frame/" in f.url)
    assert violations(frame, axe) == []
    widget.locator("#launcher").click()
    expect(widget.locator("#prechat")).to_be_visible()
    assert violations(frame, axe) == []
    widget.locator("#prechat input[name=name]").fill("Vera Visitor")
    widget.locator("#prechat input[name=email]").fill("vera@example.org")
    widget.locator("#prechat textarea[name=text]").fill("Hello")
    widget.locator("#prechat button[type=submit]").click()
    expect(widget.locator(".message.customer p").first).to_have_text("Hello")
    assert violations(frame, axe) == []


def test_the_wallboard_has_no_serious_violation(browser, platform, axe):
    support_center()
    a_chat(text="waiting")
    wallboard = log_in(browser, platform, "boss", "/supervisor/", "live")
    expect(wallboard.locator("#queues tbody tr", has_text="Support")).to_be_visible()
    assert violations(wallboard, axe) == []
