"""In Chromium: a WhatsApp customer who last wrote more than 24 hours ago can only be sent an
approved template. The console says so, keeps Send off for free text, and a click on the
template puts it in the composer; sent, it leaves the server as a template message through the
Graph API (a local fake)."""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from channels_adapters.whatsapp.models import WhatsAppChannel
from contactcenter import clock
from contactcenter.interactions.ingest import InboundMessage, ingest
from routing import offers
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-for-tests"
TEMPLATE = "Hello again! We have news about your order. Reply to continue."


@pytest.fixture
def quiet_customer(platform, graph):
    """Agent1 holds a WhatsApp conversation whose customer's last message is 25 hours old."""
    support = a_queue(name="Support", channels=("whatsapp",), entry="whatsapp:*")
    agent = an_agent(support, username="agent1")
    agent.set_password(PASSWORD)
    agent.save()
    WhatsAppChannel.objects.create(
        name="Acme",
        phone_number_id="106540352242922",
        app_secret="s",
        verify_token="v",
        access_token="EAAtest",
        api_base_url=graph.base_url,
        templates=[{"name": "order_news", "language": "en_US", "text": TEMPLATE}],
    )
    with clock.travel(timedelta(hours=-25)):
        interaction_id = ingest(
            InboundMessage(
                channel="whatsapp",
                channel_key="106540352242922",
                sender_kind="phone",
                sender_address="+16505551234",
                sender_name="Sheena Nelson",
                threading_key="106540352242922:16505551234",
                external_id="wamid.browser1",
                text="Where is my order?",
            )
        ).interaction_id
    offers.assign_by_hand(interaction_id, agent.pk)
    return interaction_id


def test_outside_the_window_the_agent_sends_the_approved_template(
    browser, platform, graph, quiet_customer, screenshot
):
    page = browser.new_context().new_page()
    page.goto(f"{platform}/console/")
    page.fill("input[name=username]", "agent1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#connection")).to_have_text("connected")
    page.locator("#tabs li").first.click()

    expect(page.locator("#channel-banner")).to_contain_text("24-hour WhatsApp window is closed")
    page.fill("#reply", "Any news?")
    expect(page.locator("#send-button")).to_be_disabled()
    screenshot(page, "whatsapp-window-closed")

    page.locator("#channel-templates button", has_text="order_news").click()
    expect(page.locator("#reply")).to_have_value(TEMPLATE)
    expect(page.locator("#send-button")).to_be_enabled()
    page.click("#send-button")
    expect(page.locator("#reply")).to_have_value("")

    deadline = time.monotonic() + 30
    while not graph.sent() and time.monotonic() < deadline:
        time.sleep(0.2)
    (sent,) = graph.sent()
    assert sent["type"] == "template"
    assert sent["template"] == {"name": "order_news", "language": {"code": "en_US"}}
    assert sent["to"] == "16505551234"
