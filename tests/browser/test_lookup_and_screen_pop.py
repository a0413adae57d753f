"""A flow that looks an order up in the business's system, in Chromium: the visitor gives an
order number in the widget and hears what the system says; the order is not shipped, so the
flow hands off, and the agent's console shows what the lookup found and the queue's screen
pop, a link to the business's own page for this order."""

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel
from routing.flows.models import Lookup
from tests.browser.test_chat_end_to_end import PASSWORD, log_in, watched
from tests.flows.builders import a_flow, at_entry
from tests.flows.business_system import Answer, BusinessSystem
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def orders_system():
    system = BusinessSystem(default=Answer(500))
    yield system
    system.close()


@pytest.fixture
def center(host_page, orders_system):
    orders = a_queue(name="Orders", entry="webchat:*")
    support = a_queue(
        name="Support",
        entry=None,
        screen_pop_url="https://shop.example.com/admin/orders?number={order_number}&via={channel}",
    )
    WebChatChannel.objects.create(
        key="demo", name="Demo", title="Acme support", allowed_origins=host_page
    )
    agent = an_agent(support, username="agent1")
    agent.set_password(PASSWORD)
    agent.save()
    lookup = Lookup.objects.create(
        name="Orders",
        url=orders_system.url,
        trusted_ca=orders_system.certificate,
        timeout_ms=2000,
        retries=0,
    )
    flow = a_flow(
        "ask",
        {
            "ask": {
                "kind": "collect",
                "text": "Which order? (A- and four digits)",
                "attribute": "order_number",
                "pattern": r"A-\d{4}",
                "next_step": "find",
            },
            "find": {
                "kind": "lookup",
                "lookup": lookup,
                "inputs": "order_number",
                "assignments": "order_status = status\nexpected_on = shipment.eta",
                "next_step": "shipped",
                "fallback_step": "to-agent",
            },
            "shipped": {
                "kind": "condition",
                "attribute": "order_status",
                "pattern": "shipped",
                "next_step": "tell",
                "fallback_step": "not-yet",
            },
            "tell": {"kind": "end", "text": "Order {order_number} is on its way."},
            "not-yet": {
                "kind": "route",
                "text": "Order {order_number} is {order_status}, expected on {expected_on}. "
                "A colleague will look at it with you.",
                "queue": support,
            },
            "to-agent": {"kind": "route", "text": "A colleague will help you.", "queue": support},
        },
        key="orders",
    )
    at_entry(flow, "webchat", orders)
    return {"support": support}


def test_a_lookup_answers_in_the_widget_and_the_agent_sees_what_it_found_and_the_screen_pop(
    browser, platform, host_page, center, orders_system, screenshot
):
    orders_system.answer_next(Answer(200, {"status": "packing", "shipment": {"eta": "2026-12-04"}}))
    agent = log_in(browser, platform, "agent1")
    visitor = watched(browser.new_context().new_page())
    visitor.goto(host_page)
    widget = visitor.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    widget.locator("#prechat input[name=name]").fill("Olga")
    widget.locator("#prechat textarea[name=text]").fill("Where is my order?")
    widget.locator("#prechat button[type=submit]").click()
    expect(widget.locator(".message.flow").last).to_contain_text("Which order?", timeout=15000)
    widget.locator("#composer textarea").fill("A-3003")
    widget.locator("#composer textarea").press("Enter")

    expect(widget.locator(".message.flow").last).to_contain_text(
        "Order A-3003 is packing, expected on 2026-12-04.", timeout=15000
    )
    screenshot(visitor, "lookup-01-widget-answer")
    (request,) = orders_system.received
    assert request.json["values"] == {"order_number": "A-3003"}

    offer = agent.locator(".offer")
    expect(offer).to_be_visible(timeout=15000)
    offer.locator("button.accept").click()
    panel = agent.locator("#self-service")
    expect(panel).to_be_visible()
    expect(panel.locator("#flow-path li", has_text="find")).to_have_text("find (answered)")
    expect(panel.locator("#flow-attributes")).to_contain_text("order_status")
    expect(panel.locator("#flow-attributes dd", has_text="2026-12-04")).to_be_visible()
    link = agent.locator("#screen-pop-link")
    expect(link).to_be_visible()
    expect(link).to_have_attribute(
        "href", "https://shop.example.com/admin/orders?number=A-3003&via=webchat"
    )
    expect(link).to_have_attribute("target", "screen-pop")
    screenshot(agent, "lookup-02-console-screen-pop")
