"""Issue 14.6 in Chromium: a visitor who closes the widget's page and comes back is still
called by their name in the console; the e-mail of a known customer shows the agent a
possible match, merged with one click."""

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from crm import customers
from crm.identities import normalise
from crm.models import Customer
from tests.browser.test_chat_end_to_end import PASSWORD, log_in
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_returning_visitor_keeps_their_name_and_a_known_email_is_a_match(
    browser, platform, host_page
):
    support = a_queue(name="Support", entry="webchat:*")
    chat = WebChatChannel.objects.create(key="demo", name="Demo", allowed_origins=host_page)
    WebChatTopic.objects.create(channel=chat, label="Support", queue=support)
    agent = an_agent(support, username="agent1")
    agent.set_password(PASSWORD)
    agent.save()
    known, _ = customers.identify(normalise("email", "vera@example.org"), name="Vera Known")
    console = log_in(browser, platform, "agent1")

    visitor_context = browser.new_context()
    page = visitor_context.new_page()
    asked, sockets = watch(page)
    page.goto(host_page)
    widget = page.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    widget.locator("#prechat input[name=name]").fill("Vera Visitor")
    widget.locator("#prechat input[name=email]").fill("vera@example.org")
    widget.locator("#prechat textarea[name=text]").fill("hello")
    widget.locator("#prechat button[type=submit]").click()
    console.locator(".offer button.accept").click(timeout=15000)
    page.close()  # gone; back later in the same browser
    # The widget's socket is its session: one socket a visit, the first with no token, and
    # no request for one before it.
    assert [url.split("?")[1] for url in sockets] == ["channel=demo"]
    assert not [url for url in asked if "/widget/session/" in url]

    page = visitor_context.new_page()
    asked, sockets = watch(page)
    page.goto(host_page)
    widget = page.frame_locator("iframe[title=Chat]")
    expect(widget.locator("#composer textarea")).to_be_visible()  # it reopens as it was left
    widget.locator("#composer textarea").fill("still there?")
    widget.locator("#composer textarea").press("Enter")
    expect(console.locator(".entry.inbound .body").last).to_have_text("still there?")
    assert len(sockets) == 1 and sockets[0].split("?")[1].startswith("channel=demo&token=")
    assert not [url for url in asked if "/widget/session/" in url]
    expect(console.locator(".entry.inbound strong")).to_have_text(["Vera Visitor", "Vera Visitor"])

    match = console.locator("#possible-matches .match")
    expect(match).to_contain_text("Vera Known")
    match.locator("button.merge").click()
    expect(console.locator("#possible-matches")).to_be_hidden()
    expect(console.locator("#customer-name")).to_have_text("Vera Known")
    assert Customer.objects.exclude(pk=known).get().merged_into_id == known


def watch(page) -> tuple[list[str], list[str]]:
    """The URLs the page (its frames included) requests, and those of the sockets it opens."""
    asked: list[str] = []
    sockets: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("websocket", lambda socket: sockets.append(socket.url))
    return asked, sockets
