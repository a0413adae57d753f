"""The inbox in Chromium: the views and what each shows, unread counts per conversation and
per view, filters and the two orders (waiting longest, SLA breach first), the keyboard, and a
closed conversation opened whole and followed up on the customer's channel."""

import pytest
from playwright.sync_api import expect

from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction, TranscriptEntry
from routing import config, offers
from routing.models import AgentProfile, Queue
from tests.browser.inbox_world import a_chat, log_in, support_center
from tests.factories import chat_message
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def work(platform):
    support, people = support_center()
    support.sl_threshold_seconds = 1  # anything waiting here is past it by the time we look
    support.save()
    billing = a_queue(name="Billing", entry="webchat:billing", sl_threshold_seconds=3600)
    AgentProfile.objects.get(user=people["agent1"]).queues.add(billing)
    config.invalidate()
    agent1 = people["agent1"]
    in_hand = a_chat(agent1, text="first, in hand", name="Hana Held")
    unread = a_chat(agent1, text="second, unread", name="Uma Unread")
    waiting_billing = ingest(
        chat_message(text="billing question", sender_name="Bill Waits", channel_key="billing")
    ).interaction_id
    waiting_support = a_chat(text="support question", name="Sue Waits")
    closed = a_chat(agent1, text="an old problem", name="Olga Old")
    offers.end_conversation(closed, agent1.pk)
    offers.wrap_up(closed, agent1.pk, disposition="resolved", notes="", follow_up_on="")
    assert Interaction.objects.get(pk=closed).state == "closed"
    return {
        **people,
        "billing": billing,
        "in_hand": in_hand,
        "unread": unread,
        "waiting_billing": waiting_billing,
        "waiting_support": waiting_support,
        "closed": closed,
    }


def names(page):
    return page.locator("#inbox-list .inbox-item strong")


def test_views_unread_counts_orders_and_the_keyboard(browser, platform, work):
    page = log_in(browser, platform, "agent1")
    expect(page.locator("#inbox-views [role=tab]")).to_have_text(
        ["Mine1", "Waiting in my queues2", "Closed1"]
    )  # no All for an agent; the badges count conversations with unread messages
    expect(names(page)).to_have_count(2)
    expect(page.locator("#inbox-list .inbox-item.unread")).to_have_count(1)
    expect(page.locator("#inbox-list .inbox-item.unread strong")).to_contain_text("Uma Unread")

    # Keyboard: Alt+I to the list, arrows to move, Enter to open.
    page.keyboard.press("Alt+i")
    unread_row = page.locator("#inbox-list .inbox-item", has_text="Uma Unread")
    if unread_row.get_attribute("aria-selected") != "true":
        page.keyboard.press("ArrowDown")
    expect(unread_row).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page.locator("#thread-title")).to_have_text("Uma Unread")
    expect(page.locator("#inbox-views [role=tab]").first).to_have_text("Mine")  # read now
    expect(page.locator("#inbox-list .inbox-item.unread")).to_have_count(0)

    page.click("#inbox-view-queues")
    expect(names(page)).to_have_count(2)
    page.click("#inbox summary")
    page.select_option("#inbox-sort", "waiting")
    expect(names(page).first).to_contain_text("Bill Waits")  # arrived first
    page.select_option("#inbox-sort", "sla")
    expect(names(page).first).to_contain_text("Sue Waits")  # Support's 1 s threshold is past
    expect(page.locator("#inbox-list .inbox-item").first.locator(".breach")).to_have_text(
        "SLA breached"
    )
    page.select_option("#inbox-queue", str(Queue.objects.get(name="Billing").pk))
    expect(names(page)).to_have_text(["Bill Waits · webchat"])
    page.select_option("#inbox-queue", "")
    page.select_option("#inbox-channel", "email")
    expect(page.locator("#inbox-list .empty")).to_have_text("No conversations here.")

    boss = log_in(browser, platform, "boss")
    expect(boss.locator("#inbox-views [role=tab]")).to_have_count(4)
    boss.click("#inbox-view-all")
    expect(names(boss)).to_have_count(4)  # every open conversation, whoever holds it


def test_a_closed_conversation_is_read_whole_and_followed_up_on_its_channel(
    browser, platform, work
):
    page = log_in(browser, platform, "agent1")
    page.click("#inbox-view-closed")
    expect(names(page)).to_have_text(["Olga Old · webchat"])
    page.locator("#inbox-list .inbox-item").first.click()
    expect(page.locator("#inbox-reader")).to_be_visible()
    expect(page.locator("#reader-title")).to_have_text("Olga Old")
    expect(page.locator("#reader-transcript .entry.inbound .body")).to_have_text("an old problem")
    expect(page.locator("#thread")).to_be_hidden()

    page.fill("#follow-up-text", "Following up: is it working now?")
    page.click("#reader-follow-up button[type=submit]")
    expect(page.locator("#inbox-reader")).to_be_hidden()
    expect(page.locator("#thread-title")).to_have_text("Olga Old")
    expect(page.locator(".entry.outbound .body").last).to_have_text(
        "Following up: is it working now?"
    )
    follow_up = Interaction.objects.exclude(pk=work["closed"]).get(
        customer_id=Interaction.objects.get(pk=work["closed"]).customer_id
    )
    assert (follow_up.channel, follow_up.direction, follow_up.agent_id) == (
        "webchat",
        "outbound",
        work["agent1"].pk,
    )
    assert TranscriptEntry.objects.filter(
        interaction_id=follow_up.id, kind="outbound", text="Following up: is it working now?"
    ).exists()

    page.click("#inbox-view-closed")
    page.locator("#inbox-list .inbox-item").first.click()
    # The reader opens once the conversation has arrived: an Escape pressed before that
    # closes nothing (on a loaded machine the reader then opened after it).
    expect(page.locator("#inbox-reader")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#inbox-reader")).to_be_hidden()
