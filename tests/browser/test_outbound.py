"""Outbound in Chromium: click-to-contact from the customer panel (a refusal shows its reason,
an e-mail conversation starts), and the supervisor's outbound report with its charts and CSV."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from channels_adapters.email.models import EmailChannel
from channels_adapters.sms import consent
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from crm import customers
from crm.identities import normalise
from outbound.models import Campaign, DialAttempt
from tests.browser.test_chat_end_to_end import PASSWORD, log_in
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.twilio_api import a_channel

pytestmark = pytest.mark.django_db(transaction=True)


def people(*names, supervisor=False):
    queue = a_queue(name="Support", entry="webchat:*")
    users = []
    for name in names:
        user = an_agent(queue, username=name, supervisor=supervisor, available=False)
        user.set_password(PASSWORD)
        user.first_name = name.capitalize()
        user.save()
        users.append(user)
    return queue, users


def test_click_to_contact_from_the_customer_panel(browser, platform):
    people("agent1")
    a_channel("")
    EmailChannel.objects.create(name="Support", addresses="support@example.com")
    agent = log_in(browser, platform, "agent1")
    agent.select_option("#presence", "available:")
    chat = ingest(chat_message(text="please e-mail me the quote")).interaction_id
    customer_id = Interaction.objects.get(pk=chat).customer_id
    customers.add_identity(customer_id, normalise("phone", "+14155550100"))
    customers.add_identity(customer_id, normalise("email", "vera@example.org"))
    consent.record("+14155550100", "+15005550006", "STOP")
    agent.locator(".offer button.accept").click(timeout=15000)

    panel = agent.locator("#reach-out")
    expect(panel).to_be_visible()
    expect(panel.locator("button[data-channel=sms]")).to_be_disabled()
    expect(panel.locator(".reach-why[data-channel=sms]")).to_contain_text("replied STOP")
    expect(panel.locator("button[data-channel=voice]")).to_be_disabled()
    panel.locator("button[data-channel=email]").click()
    agent.fill("#reach-out-text", "Here is the quote you asked for.")
    agent.locator("#reach-out-form button[type=submit]").click()
    expect(agent.locator("#reach-out-status")).to_contain_text("Started")
    started = Interaction.objects.filter(channel="email", customer_id=customer_id)
    assert started.count() == 1 and started.get().direction == "outbound"


def test_the_outbound_report_draws_charts_and_downloads_csv(browser, platform, tmp_path):
    queue, _ = people("boss", supervisor=True)
    campaign = Campaign.objects.create(name="Renewals", queue=queue)
    now = timezone.now()
    for n, outcome in enumerate(("connected", "abandoned", "no-answer")):
        DialAttempt.objects.create(
            id=f"a{n}",
            campaign_id=campaign.pk,
            contact_id=n,
            phone="+14155550100",
            mode="predictive",
            status="ended",
            outcome=outcome,
            answered_by="human" if outcome != "no-answer" else "",
            connected=outcome == "connected",
            placed_at=now,
            answered_at=now if outcome != "no-answer" else None,
            ended_at=now,
        )
    page = browser.new_context().new_page()
    page.goto(f"{platform}/supervisor/outbound/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Outbound")
    page.select_option("select[name=by]", "campaign")
    page.locator("#outbound-filters button").click()
    row = page.locator("#outbound-table tbody tr", has_text="Renewals")
    expect(row).to_contain_text("50.0 %")  # 1 abandoned of 2 answered
    expect(page.locator("#chart-volumes")).to_be_visible()
    assert page.evaluate("!!Chart.getChart(document.getElementById('chart-rates'))")
    with page.expect_download() as download:
        page.locator("#outbound-csv").click()
    download.value.save_as(tmp_path / "report.csv")  # the browser is another process's
    text = (tmp_path / "report.csv").read_text()
    assert text.splitlines()[1].startswith("Renewals,3,2,1,0,0,1,0.5")


def test_preview_shows_the_record_and_script_then_dials(browser, platform):
    from datetime import time

    from outbound.models import CampaignContact
    from tests.twilio_api import TwilioApi

    api = TwilioApi()
    server, url = api.serve()
    try:
        queue, _ = people("agent1")
        campaign = Campaign.objects.create(
            name="Check-ups",
            queue=queue,
            mode="preview",
            active=True,
            twilio_channel=a_channel(url),
            script="Offer the spring check-up.",
            window_start=time(0, 0),
            window_end=time(23, 59, 59),
            window_days="0123456",
        )
        CampaignContact.objects.create(
            campaign=campaign,
            customer_id="c1",
            phone="+14155550100",
            name="Ana Preview",
            time_zone="America/Los_Angeles",
            data={"plan": "gold"},
        )
        agent = log_in(browser, platform, "agent1")
        panel = agent.locator("#preview")
        expect(panel.locator(".preview-name")).to_have_text("Ana Preview")
        expect(panel.locator(".preview-script")).to_have_text("Offer the spring check-up.")
        expect(panel.locator("dd")).to_have_text("gold")
        agent.locator("#preview-dial").click()
        expect(agent.locator("#preview-status")).to_contain_text("Calling +14155550100")
        (placed,) = api.posted("/Calls.json")
        assert placed.field("To") == "+14155550100"
    finally:
        server.shutdown()
