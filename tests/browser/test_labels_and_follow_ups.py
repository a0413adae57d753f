"""Labels, the customer's profile and follow-ups in Chromium: the agent labels a conversation
and edits the customer's card from the console, the card's *Changes* say who changed what,
the inbox filters by label; a follow-up set at wrap-up is listed under *My follow-ups* and
comes back at its time as an offer to the same agent, with the note."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contactcenter import clock
from contactcenter.labels.models import AttributeDefinition, LabelDefinition
from tests.browser.inbox_world import a_chat, log_in, support_center

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_agent_labels_a_conversation_and_edits_the_customer(browser, platform):
    _support, people = support_center()
    LabelDefinition.objects.create(name="vip", title="VIP")
    AttributeDefinition.objects.create(key="order", title="Order number", subject="conversation")
    a_chat(people["agent1"], text="about my order", name="Lena Label")
    a_chat(people["agent1"], text="something else", name="Otto Other")

    page = log_in(browser, platform, "agent1")
    page.locator("#tabs .tab", has_text="Lena Label").click()
    expect(page.locator("#thread-title")).to_have_text("Lena Label")

    page.select_option("#conversation-label-add", "vip")
    expect(page.locator("#conversation-labels .label-chip span")).to_have_text(["VIP"])
    expect(page.locator("#transcript .entry.activity .line").last).to_have_text(
        "Agent1 added the label vip."
    )
    page.fill("#conversation-attribute-order", "A-1234")
    page.click("#conversation-attributes button[type=submit]")
    expect(page.locator("#transcript .entry.activity .line").last).to_have_text("Agent1 set order.")

    page.click("#profile-edit summary")
    page.fill("#profile-company", "Acme Ltd")
    page.click("#profile-form button[type=submit]")
    expect(page.locator("#customer-meta")).to_contain_text("Acme Ltd")
    change = page.locator("#customer-changes .change").first
    expect(change.locator("strong")).to_have_text("Agent1")
    expect(change.locator("p")).to_have_text(["Company: (none) → Acme Ltd"])

    page.click("#inbox summary")
    page.select_option("#inbox-label", "vip")
    expect(page.locator("#inbox-list .inbox-item strong")).to_have_text(["Lena Label · webchat"])
    page.select_option("#inbox-label", "")
    expect(page.locator("#inbox-list .inbox-item")).to_have_count(2)


def test_a_follow_up_set_at_wrap_up_comes_back_to_the_same_agent(browser, platform):
    _support, people = support_center(agent1=True)
    a_chat(people["agent1"], text="my refund is late", name="Cal Back")

    page = log_in(browser, platform, "agent1")
    expect(page.locator("#thread-title")).to_have_text("Cal Back")
    page.click("#end-button")
    expect(page.locator("#wrap-up")).to_be_visible()
    page.select_option("#disposition", "resolved")
    page.fill("#wrap-notes", "Check that the refund landed")
    soon = timezone.localtime(clock.now() + timedelta(seconds=15))
    page.fill("#call-back", soon.strftime("%Y-%m-%dT%H:%M:%S"))
    page.click("#wrap-up button[type=submit]")

    expect(page.locator("#placeholder")).to_be_visible()
    follow_up = page.locator("#follow-up-list .follow-up")
    expect(follow_up).to_have_count(1)
    expect(follow_up.locator("p")).to_have_text("Check that the refund landed")
    expect(follow_up).to_have_class("follow-up scheduled")

    offer = page.locator("#offers .offer", has_text="Cal Back")
    expect(offer).to_be_visible(timeout=45_000)  # at its time: back, offered to the same agent
    expect(offer.locator(".follow-up-note")).to_have_text(
        "Follow-up asked by Agent1: Check that the refund landed"
    )
    offer.locator(".accept").click()
    expect(page.locator("#thread-title")).to_have_text("Cal Back")
    expect(page.locator("#transcript .entry.activity", has_text="Follow-up due")).to_be_visible()
    expect(follow_up).to_have_class("follow-up due")
