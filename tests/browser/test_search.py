"""Search from the console, in Chromium: an agent finds a message of their queues and opens
the conversation it is in; what they may not see is not found."""

import pytest
from playwright.sync_api import expect

from contactcenter.interactions.ingest import ingest
from tests.browser.inbox_world import a_chat, log_in, support_center
from tests.factories import chat_message
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_searches_and_opens_what_they_found(browser, platform):
    support_center()
    a_queue(name="Billing", entry="webchat:billing")
    found = a_chat(text="The blue widget arrived broken", name="Walter Widget")
    ingest(chat_message(text="another broken widget", sender_name="Secret", channel_key="billing"))

    page = log_in(browser, platform, "agent1")
    page.fill("#search", "broken widgets")
    results = page.locator("#search-results .search-result")
    expect(results).to_have_count(1)  # Billing's is not theirs to see
    expect(results.first.locator("strong")).to_have_text("Walter Widget · webchat")
    expect(results.first.locator(".snippet")).to_have_text("The blue widget arrived broken")
    expect(page.locator("#inbox-list")).to_be_hidden()
    results.first.click()
    expect(page.locator("#reader-title")).to_have_text("Walter Widget")
    expect(page.locator("#reader-transcript .entry.inbound .body")).to_have_text(
        "The blue widget arrived broken"
    )
    assert found
    page.fill("#search", "")
    expect(page.locator("#inbox-list")).to_be_visible()
