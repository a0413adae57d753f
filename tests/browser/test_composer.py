"""The composer in Chromium: Enter sends and Shift+Enter adds a line (or the reverse, a
setting kept per agent on the server); a draft survives a reload and shows on another
device; the emoji picker; links in messages are clickable and only safe ones; a warning shows
before a message would be cut; canned responses are searched and filled in."""

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.visitor import MAX_TEXT
from contactcenter.console.models import CannedResponse
from contactcenter.inbox.models import Draft
from contactcenter.interactions.models import TranscriptEntry
from tests.browser.inbox_world import a_chat, log_in, support_center

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat(platform):
    _support, people = support_center()
    interaction_id = a_chat(
        people["agent1"],
        text="My parcel: see https://track.example.com/p/42. Or javascript:alert(1)",
    )
    return {"id": interaction_id, **people}


def sent_texts(interaction_id):
    return list(
        TranscriptEntry.objects.filter(interaction_id=interaction_id, kind="outbound")
        .order_by("position")
        .values_list("text", flat=True)
    )


def test_enter_sends_shift_enter_adds_a_line_and_the_reverse_is_a_setting(browser, platform, chat):
    page = log_in(browser, platform, "agent1")
    reply = page.locator("#reply")
    reply.fill("line one")
    reply.press("Shift+Enter")
    reply.press_sequentially("line two")
    reply.press("Enter")
    expect(page.locator(".entry.outbound .body").last).to_have_text("line one\nline two")
    assert sent_texts(chat["id"]) == ["line one\nline two"]

    page.uncheck("#enter-sends")
    expect(reply).to_have_attribute("placeholder", "Reply to the customer… (Shift+Enter to send)")
    page.reload()
    expect(page.locator("#connection")).to_have_text("connected")
    expect(page.locator("#enter-sends")).not_to_be_checked()  # kept on the server
    reply.fill("first")
    reply.press("Enter")
    reply.press_sequentially("second")
    expect(reply).to_have_value("first\nsecond")
    reply.press("Shift+Enter")
    expect(page.locator(".entry.outbound .body").last).to_have_text("first\nsecond")


def test_a_draft_survives_a_reload_and_follows_the_agent_to_another_device(browser, platform, chat):
    page = log_in(browser, platform, "agent1")
    page.locator("#reply").fill("Let me check that parcel for you")
    for _ in range(100):
        if Draft.objects.filter(interaction_id=chat["id"]).exists():
            break
        page.wait_for_timeout(100)
    page.reload()
    expect(page.locator("#reply")).to_have_value("Let me check that parcel for you")
    laptop = log_in(browser, platform, "agent1")
    expect(laptop.locator("#reply")).to_have_value("Let me check that parcel for you")

    laptop.locator("#reply").press("Enter")
    expect(laptop.locator(".entry.outbound .body").last).to_have_text(
        "Let me check that parcel for you"
    )
    for _ in range(100):
        if not Draft.objects.filter(interaction_id=chat["id"]).exists():
            break
        laptop.wait_for_timeout(100)
    assert not Draft.objects.filter(interaction_id=chat["id"]).exists()  # sent: no draft


def test_emoji_links_length_warning_and_canned_search(browser, platform, chat):
    CannedResponse.objects.create(
        title="Refund policy",
        shortcut="refund",
        text="Hi {customer.first_name}, refunds take 5 days.",
    )
    CannedResponse.objects.create(title="Greeting", shortcut="hi", text="Hello there!")
    page = log_in(browser, platform, "agent1")

    link = page.locator(".entry.inbound .body a")
    expect(link).to_have_count(1)  # the javascript: text stays text
    expect(link).to_have_attribute("href", "https://track.example.com/p/42")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(link).to_have_attribute("target", "_blank")
    expect(page.locator(".entry.inbound .body")).to_contain_text("Or javascript:alert(1)")

    page.locator("#reply").fill("Thanks ")
    page.click("#emoji-button")
    page.click("#emoji-picker button[aria-label='thumbs up']")
    expect(page.locator("#reply")).to_have_value("Thanks 👍")
    expect(page.locator("#emoji-picker")).to_be_hidden()

    page.locator("#reply").fill("x" * (MAX_TEXT + 10))
    warning = page.locator("#length-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("10 characters over the limit for webchat")
    expect(warning).to_contain_text("would be cut")
    page.locator("#reply").fill("short")
    expect(warning).to_be_hidden()

    page.locator("#reply").fill("")
    # The search on focus (everything) answers after the typed one: it must not win.
    held = []
    page.route(
        "**/console/inbox/canned/?q=&*",
        lambda route: held.append(route),
    )
    page.locator("#canned-search").fill("refunds")
    results = page.locator("#canned-results [role=option]")
    expect(results).to_have_count(1)
    assert len(held) == 1
    with page.expect_response(lambda r: "/console/inbox/canned/?q=&" in r.url):
        held[0].continue_()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Refund policy")
    page.locator("#canned-search").press("Enter")
    expect(page.locator("#reply")).to_have_value("Hi Vera, refunds take 5 days.")
