"""The whole web chat, in Chromium: a visitor on another site chats with an agent, who
transfers to a colleague, who wraps up; the visitor rates the chat. Markup anyone types is shown
as text in both UIs, never run."""

import json
import re

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from contactcenter.interactions.models import Interaction
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-for-tests"
HOSTILE = "<img src=x onerror=alert(1)> Hello <script>alert(2)</script>"


@pytest.fixture
def center(host_page):
    support = a_queue(name="Support", entry="webchat:*", dispositions=("resolved", "refund"))
    chat = WebChatChannel.objects.create(
        key="demo", name="Demo", title="Acme support", allowed_origins=host_page
    )
    WebChatTopic.objects.create(channel=chat, label="Support", queue=support)
    first = an_agent(support, username="agent1")
    second = an_agent(support, username="agent2", available=False)
    boss = an_agent(username="boss", supervisor=True, available=False)
    for user in (first, second, boss):
        user.set_password(PASSWORD)
        user.first_name = user.username.capitalize()
        user.save()
    return {"first": first, "second": second, "boss": boss}


POLICY_VIOLATIONS: list[str] = []  # what Chromium reports against a Content-Security-Policy


def watched(page):
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.on(
        "console",
        lambda m: POLICY_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else 0,
    )
    return page


def log_in(
    browser, platform, username, where="/console/", connected="connected", sent=None, context=None
):
    """`sent`: a list to keep the frames the page sends on its sockets in; `context`: the
    browser context to open the page in (one whose sockets a test routes), else a new one."""
    page = watched((context or browser.new_context()).new_page())
    if sent is not None:
        page.on("websocket", lambda socket: socket.on("framesent", lambda f: sent.append(f)))
    page.goto(f"{platform}{where}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#connection")).to_have_text(connected)
    return page


def waiting_on_the_wallboard(wallboard):
    return wallboard.locator("#queues tbody tr", has_text="Support").locator("td").nth(1)


def test_a_visitor_chats_is_transferred_wrapped_up_and_rates(
    browser, platform, host_page, center, screenshot
):
    POLICY_VIOLATIONS.clear()
    sent: list[str] = []
    agent1 = log_in(browser, platform, "agent1", sent=sent)
    wallboard = log_in(browser, platform, "boss", "/supervisor/", "live")
    expect(waiting_on_the_wallboard(wallboard)).to_have_text("0")
    visitor = watched(browser.new_context().new_page())
    visitor.goto(host_page)
    widget = visitor.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    widget.locator("#prechat input[name=name]").fill("Vera Visitor")
    widget.locator("#prechat input[name=email]").fill("vera@example.org")
    widget.locator("#prechat textarea[name=text]").fill(HOSTILE)
    widget.locator("#prechat button[type=submit]").click()
    expect(widget.locator(".message.customer p").first).to_have_text(HOSTILE)
    # the host page's own styles did not leak into the widget, nor the widget's into the page
    assert visitor.locator("#host").evaluate("e => getComputedStyle(e).fontFamily") == "serif"
    screenshot(visitor, "01-visitor-waiting")

    offer = agent1.locator(".offer")
    expect(offer).to_be_visible(timeout=15000)
    screenshot(agent1, "02-console-offer")
    expect(waiting_on_the_wallboard(wallboard)).to_have_text("1")  # offered, not yet answered
    screenshot(wallboard, "02-wallboard-waiting")
    offer.locator("button.accept").click()
    expect(waiting_on_the_wallboard(wallboard)).to_have_text("0")
    expect(agent1.locator(".entry.inbound .body").first).to_have_text(HOSTILE)
    assert agent1.locator("#transcript img").count() == 0  # shown as text, not an image
    expect(widget.locator("#subtitle")).to_contain_text("Agent1")

    agent1.fill("#reply", "<b>Hi Vera</b>, how can I help?")
    agent1.keyboard.press("Control+Enter")
    expect(widget.locator(".message.agent p").last).to_have_text("<b>Hi Vera</b>, how can I help?")
    widget.locator("#composer textarea").fill("My parcel is late")
    widget.locator("#composer textarea").press("Enter")
    expect(agent1.locator(".entry.inbound .body").last).to_have_text("My parcel is late")
    # The joined line came with the accept's push: the console asked for no view with the
    # accept, nor for the conversation again after it.
    expect(agent1.locator(".entry.activity .line")).to_have_text(
        ["Agent1 joined the conversation."]
    )
    asked = [json.loads(frame) for frame in sent]
    accept = next(n for n, frame in enumerate(asked) if frame["type"] == "accept")
    assert asked[accept]["view"] == "none"
    assert [frame for frame in asked[accept:] if frame["type"] == "open"] == []
    agent1.check("#note-mode")
    agent1.fill("#reply", "customer seems upset")
    agent1.click("#send-button")
    expect(agent1.locator(".entry.note .body")).to_have_text("customer seems upset")
    screenshot(agent1, "03-console-conversation")

    agent2 = log_in(browser, platform, "agent2")
    agent2.select_option("#presence", "available:")
    agent1.click("#transfer-button")
    agent1.check("input[name=kind][value=agent]")
    agent1.select_option("#transfer-agent", str(center["second"].pk))
    agent1.fill("#transfer-note", "Parcel question")
    agent1.click("#transfer-form button[type=submit]")
    expect(agent1.locator("#placeholder")).to_be_visible()

    # The note for the next person is on the offer, and the hand-over in both transcripts.
    expect(agent2.locator(".offer .handover")).to_have_text(
        "Transferred by Agent1: Parcel question", timeout=15000
    )
    agent2.locator(".offer button.accept").click()
    expect(agent2.locator(".entry.note .body")).to_have_text("customer seems upset")
    expect(agent2.locator(".entry.activity .line")).to_have_text(
        [
            "Agent1 joined the conversation.",
            "Agent1 transferred the conversation to Agent2. Note: Parcel question",
            "Agent2 joined the conversation.",
        ]
    )
    expect(widget.locator(".notice")).to_contain_text(
        ["You are being transferred to a colleague.", "Agent2 joined the conversation."]
    )
    agent2.fill("#reply", "Sorted: it arrives tomorrow.")
    agent2.keyboard.press("Control+Enter")
    expect(widget.locator(".message.agent p").last).to_have_text("Sorted: it arrives tomorrow.")
    agent2.click("#end-button")
    agent2.select_option("#disposition", "resolved")
    agent2.fill("#wrap-notes", "courier delay")
    screenshot(agent2, "04-console-wrap-up")
    agent2.click("#wrap-up button[type=submit]")
    expect(agent2.locator("#placeholder")).to_be_visible()

    expect(widget.locator("#rating")).to_be_visible()
    widget.locator("[data-rating='5']").click()
    widget.locator("#rating textarea").fill("fast and friendly")
    widget.locator("#rating button[type=submit]").click()
    expect(widget.locator(".notice").last).to_have_text("Thank you for your feedback.")
    screenshot(visitor, "05-visitor-rated")

    interaction = Interaction.objects.get()
    assert (interaction.state, interaction.disposition, interaction.csat_rating) == (
        "closed",
        "resolved",
        5,
    )
    assert interaction.transfers == 1
    # The console, the wallboard and the widget all kept to their policies.
    assert POLICY_VIOLATIONS == []


def test_a_reloaded_widget_and_console_lose_nothing(browser, platform, host_page, center):
    agent1 = log_in(browser, platform, "agent1")
    visitor = browser.new_context().new_page()
    visitor.goto(host_page)
    widget = visitor.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    widget.locator("#prechat input[name=name]").fill("Rita")
    widget.locator("#prechat textarea[name=text]").fill("first")
    widget.locator("#prechat button[type=submit]").click()
    agent1.locator(".offer button.accept").click(timeout=15000)
    agent1.fill("#reply", "hello Rita")
    agent1.keyboard.press("Control+Enter")
    expect(widget.locator(".message.agent p")).to_have_text("hello Rita")

    visitor.reload()
    widget = visitor.frame_locator("iframe[title=Chat]")
    expect(widget.locator(".message p")).to_have_text(["first", "hello Rita"])
    agent1.reload()
    expect(agent1.locator("#transcript .body")).to_have_text(["first", "hello Rita"])
    assert re.search("Rita", agent1.locator("#thread-title").inner_text())
