"""Issue 14.1 in Chromium: an agent who sets Available and closes the browser is no longer
offered work; the next chat goes straight to a colleague (no offer timeout to wait out), and
the wallboard shows the agent disconnected, then offline (disconnected) after the grace."""

import re

import pytest
from playwright.sync_api import expect

from contactcenter.events import store
from contactcenter.interactions.ingest import ingest
from tests.browser.conftest import serve
from tests.browser.test_chat_end_to_end import PASSWORD, log_in
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def platform_with_short_grace(transactional_db):
    yield from serve(CONSOLE_GRACE_SECONDS="10")


def agent_row(wallboard, name: str):
    return wallboard.locator("#agents tbody tr", has_text=name)


def test_a_closed_console_gets_no_offers_and_the_wallboard_shows_it(
    browser, platform_with_short_grace
):
    support = a_queue(name="Support", entry="webchat:*", offer_timeout_seconds=120)
    for username, supervisor in (("agent1", False), ("agent2", False), ("boss", True)):
        user = an_agent(support, username=username, supervisor=supervisor, available=False)
        user.set_password(PASSWORD)
        user.first_name = username.capitalize()
        user.save()
    base = platform_with_short_grace
    agent1, agent2 = log_in(browser, base, "agent1"), log_in(browser, base, "agent2")
    wallboard = log_in(browser, base, "boss", "/supervisor/", "live")
    agent1.select_option("#presence", "available:")
    expect(agent_row(wallboard, "Agent1").locator(".state")).to_have_text("available")

    agent1.context.close()  # the tab, the browser, the laptop lid
    expect(agent_row(wallboard, "Agent1").locator(".state")).to_have_text("disconnected")
    agent2.select_option("#presence", "available:")

    chat = ingest(chat_message(text="anyone there?")).interaction_id
    agent2.locator(".offer button.accept").click(timeout=15000)
    expect(agent2.locator(".entry.inbound .body").first).to_have_text("anyone there?")

    types = [e.type for e in store.read_stream(f"interaction-{chat}")]
    assert "OfferTimedOut" not in types
    assert types.count("OfferCreated") == 1  # straight to agent2
    expect(agent_row(wallboard, "Agent1").locator(".state")).to_have_text(
        "offline (disconnected)", timeout=15000
    )


def test_the_transfer_dialog_shows_each_colleagues_presence_now(browser, platform):
    """Issue 14.7: it showed the presence of when the page loaded."""
    support = a_queue(name="Support", entry="webchat:*")
    for username in ("agent1", "agent2"):
        user = an_agent(support, username=username, available=username == "agent1")
        user.set_password(PASSWORD)
        user.first_name = username.capitalize()
        user.save()
    agent1 = log_in(browser, platform, "agent1")
    ingest(chat_message(text="please transfer me"))
    agent1.locator(".offer button.accept").click(timeout=15000)
    agent2 = log_in(browser, platform, "agent2")  # after agent1's page loaded
    agent2.select_option("#presence", "available:")
    # The dot turns when the server has recorded it (pushed after the commit), not on the click.
    expect(agent2.locator("#presence-dot")).to_have_class(re.compile(r"\bavailable\b"))

    agent1.click("#transfer-button")

    expect(agent1.locator("#transfer-agent option")).to_have_text(["Agent2 (available)"])
    agent1.click("#transfer-cancel")
    # Ending the chat closes the composer: the customer has been told it ended.
    agent1.click("#end-button")
    expect(agent1.locator("#wrap-up")).to_be_visible()
    expect(agent1.locator("#composer")).to_be_hidden()
