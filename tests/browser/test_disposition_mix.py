"""The supervisor's reports in Chromium: the disposition mix of today's wrapped-up chats as a
table and a chart beside the other reports, and the queue report's cost columns."""

import re

import pytest
from playwright.sync_api import expect

from routing import offers
from tests.browser.inbox_world import a_chat, log_in, support_center

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_supervisor_reads_the_disposition_mix_and_the_cost_per_contact(browser, platform):
    _support, people = support_center()
    agent = people["agent1"]
    for name in ("Ada", "Bea"):
        chat = a_chat(agent, text="Where is my order?", name=name)
        offers.end_conversation(chat, agent.pk)
        offers.wrap_up(chat, agent.pk, disposition="resolved")

    page = log_in(browser, platform, "boss", "/supervisor/", "live")
    page.goto(f"{platform}/supervisor/reports/queue/")
    expect(page.locator("table thead")).to_contain_text("Cost/contact")
    page.locator(".tabs a", has_text="By disposition").click()

    expect(page).to_have_url(re.compile(r"/supervisor/reports/disposition/\?from="))
    rows = page.locator("#disposition-mix tbody tr")
    expect(rows.first.locator("td")).to_have_text(["Support", "resolved", "2", "100.0 %"])
    expect(rows.last).to_have_class("total")
    expect(page.locator("#chart-volumes")).to_be_visible()
    assert page.evaluate("() => Chart.getChart('chart-volumes').data.datasets[0].data") == [2]

    page.select_option("select[name=by]", "channel")
    page.locator("form.filters button").click()
    expect(rows.first.locator("td")).to_have_text(["Web chat", "resolved", "2", "100.0 %"])
