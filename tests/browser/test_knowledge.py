"""The knowledge base in Chromium: a visitor finds an answer in the widget before chatting
(counted as a deflection); a virtual agent answers in the widget and hands off to an agent,
whose console shows what it understood and tried, suggests articles and inserts one into
the reply with a click; the customer's messages carry their sentiment."""

import re

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel
from contactcenter.knowledge.models import HelpVisit
from tests.browser.test_chat_end_to_end import PASSWORD, log_in, watched
from tests.flows.builders import a_flow, at_entry
from tests.knowledge.builders import demo_knowledge_base
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center(host_page):
    support = a_queue(name="Support", entry="webchat:*")
    WebChatChannel.objects.create(
        key="demo", name="Demo", title="Acme support", allowed_origins=host_page
    )
    agent = an_agent(support, username="agent1")
    boss = an_agent(username="boss", supervisor=True, available=False)
    for user in (agent, boss):
        user.set_password(PASSWORD)
        user.save()
    articles = demo_knowledge_base()
    return {"support": support, "articles": articles}


def open_widget(browser, host_page):
    visitor = watched(browser.new_context().new_page())
    visitor.goto(host_page)
    widget = visitor.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    return visitor, widget


def test_a_visitor_finds_the_answer_in_the_widget_before_chatting(
    browser, platform, host_page, center, screenshot
):
    visitor, widget = open_widget(browser, host_page)
    expect(widget.locator("#help-search")).to_be_visible()
    widget.locator("#help-query").fill("when do I get my money back")
    widget.locator("#help-form button[type=submit]").click()
    widget.locator("#help-results button", has_text="When will I get my refund?").click()
    expect(widget.locator("#help-title")).to_have_text("When will I get my refund?")
    expect(widget.locator("#help-body")).to_contain_text("within 5 working days")
    screenshot(visitor, "knowledge-01-widget-article")
    widget.locator("#help-yes").click()
    expect(widget.locator("#help-thanks")).to_have_text("Glad it helped!")

    # The rating is sent as the thanks shows: wait for it to be recorded.
    for _ in range(100):
        visit = HelpVisit.objects.filter(source="widget").first()
        if visit is not None and visit.helpful is not None:
            break
        visitor.wait_for_timeout(100)
    assert (visit.searches, visit.viewed, visit.helpful, visit.escalated) == (
        1,
        [center["articles"]["refund-status"]],
        True,
        False,
    )


def test_an_opened_article_stays_open_when_the_search_typed_before_answers_late(
    browser, host_page, center
):
    """The widget searches as one types (after a pause) and again when the form is sent: an
    answer to the first that came after the visitor opened an article from the second's
    results hid the article (seen as a failed click on "Yes" on a loaded machine)."""
    visitor, widget = open_widget(browser, host_page)
    held = []

    def hold_searches_as_typed(route):
        if "record=1" in route.request.url:  # the form sent
            route.continue_()
        else:
            held.append(route)

    visitor.context.route("**/help/api/search/**", hold_searches_as_typed)
    widget.locator("#help-query").fill("when do I get my money back")
    for _ in range(50):  # the search as typed goes out after a pause
        if held:
            break
        visitor.wait_for_timeout(100)
    assert held, "the widget searched as the visitor typed"
    widget.locator("#help-form button[type=submit]").click()
    widget.locator("#help-results button", has_text="When will I get my refund?").click()
    expect(widget.locator("#help-title")).to_have_text("When will I get my refund?")

    with visitor.expect_response(lambda response: "/help/api/search/" in response.url):
        held[0].continue_()
    visitor.wait_for_timeout(300)  # for the page to read that late answer
    expect(widget.locator("#help-article")).to_be_visible()
    widget.locator("#help-yes").click()
    expect(widget.locator("#help-thanks")).to_have_text("Glad it helped!")


def test_a_virtual_agent_answers_then_hands_off_and_the_agent_gets_assist(
    browser, platform, host_page, center, screenshot
):
    flow = a_flow(
        "assistant",
        {
            "assistant": {
                "kind": "virtual",
                "text": "Hi! I am the virtual assistant.",
                "queue": center["support"],
            }
        },
        key="help",
    )
    at_entry(flow, "webchat", center["support"])
    agent = log_in(browser, platform, "agent1")
    visitor, widget = open_widget(browser, host_page)
    widget.locator("#prechat input[name=name]").fill("Vera")
    widget.locator("#prechat textarea[name=text]").fill("My discount code does not work")
    widget.locator("#prechat button[type=submit]").click()
    answer = widget.locator(".message.flow", has_text="case-sensitive")
    expect(answer).to_be_visible(timeout=15000)
    screenshot(visitor, "knowledge-02-virtual-agent-answer")
    answer.locator("button", has_text="No").click()
    expect(widget.locator(".message.flow").last).to_contain_text("connect you with a colleague")

    offer = agent.locator(".offer")
    expect(offer).to_be_visible(timeout=15000)
    offer.locator("button.accept").click()
    handoff = agent.locator("#assist-handoff")
    expect(handoff).to_contain_text("handed off")
    expect(handoff).to_contain_text("Why: not helpful")
    expect(handoff).to_contain_text("Intent: My discount code does not work")
    expect(handoff).to_contain_text("Articles tried: My discount code does not work")
    expect(agent.locator("#assist-articles li").first).to_contain_text("discount code")
    expect(agent.locator(".entry.inbound .sentiment").first).to_be_visible()

    # The customer writes again: the suggestions follow.
    widget.locator("#composer textarea").fill("Also, how do I pause my subscription?")
    widget.locator("#composer textarea").press("Enter")
    suggestion = agent.locator("#assist-articles li", has_text="Pausing your subscription")
    expect(suggestion).to_be_visible(timeout=15000)
    suggestion.locator("button.insert").click()
    expect(agent.locator("#reply")).to_have_value(
        "You can pause a subscription for one, two or three months under Account \u203a "
        "Subscription \u203a Pause, once a year. Nothing is charged while it is paused and it "
        f"resumes by itself.\n{platform}/help/pause-subscription/"
    )
    # Search the knowledge base and insert a second answer below the first.
    agent.fill("#kb-search", "student discount")
    agent.click("#kb-search-form button[type=submit]")
    agent.locator("#kb-results li", has_text="Student discount").locator("button.insert").click()
    expect(agent.locator("#reply")).to_have_value(
        re.compile(r"resumes by itself\.\n.*\n\nStudents get 10% off", re.S)
    )
    screenshot(agent, "knowledge-03-console-assist")
    agent.keyboard.press("Control+Enter")
    expect(widget.locator(".message.agent p").last).to_contain_text("Students get 10% off")

    # The wallboard lists the live conversation with its customer's sentiment.
    wallboard = log_in(browser, platform, "boss", "/supervisor/", "live")
    mood = wallboard.locator("#moods tbody tr", has_text="webchat")
    expect(mood).to_have_count(1)
    expect(mood.locator("td.sentiment")).to_have_text(re.compile(r"^-?\d\.\d\d$"))
