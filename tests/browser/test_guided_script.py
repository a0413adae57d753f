"""A guided script in Chromium: the agent's console shows the queue's script beside the
chat, the step to do now with its answers as buttons; a branch skips a step; wrap-up is
refused, in words, until the required steps are done."""

import pytest
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel
from contactcenter.scripts.models import Script, ScriptStep
from tests.browser.test_chat_end_to_end import log_in, watched
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center(host_page):
    from tests.browser.test_chat_end_to_end import PASSWORD

    queue = a_queue(name="Retention", entry="webchat:*", dispositions=("saved", "cancelled"))
    WebChatChannel.objects.create(
        key="demo", name="Demo", title="Acme support", allowed_origins=host_page
    )
    agent = an_agent(queue, username="agent1")
    agent.set_password(PASSWORD)
    agent.save()
    script = Script.objects.create(name="Cancellation")
    script.queues.add(queue)
    steps = [
        ("greet", "Greet the customer by name", True, ""),
        ("reason", "Ask why they want to cancel", False, "Price | offer\nMoving | close"),
        ("offer", "Offer 3 months at half price", True, ""),
        ("close", "Confirm what happens next", True, ""),
    ]
    for position, (step_id, text, required, options) in enumerate(steps):
        ScriptStep.objects.create(
            script=script,
            step_id=step_id,
            text=text,
            required=required,
            options=options,
            position=position,
        )


def carla_asks_to_cancel(browser, platform, host_page):
    """agent1's console, and Carla asking from the widget to cancel her plan."""
    agent = log_in(browser, platform, "agent1")
    visitor = watched(browser.new_context().new_page())
    visitor.goto(host_page)
    widget = visitor.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    widget.locator("#prechat input[name=name]").fill("Carla")
    widget.locator("#prechat textarea[name=text]").fill("I want to cancel my plan")
    widget.locator("#prechat button[type=submit]").click()
    return agent


def test_the_agent_follows_the_script_and_wrap_up_waits_for_its_required_steps(
    browser, platform, host_page, center, screenshot
):
    agent = carla_asks_to_cancel(browser, platform, host_page)
    offer = agent.locator(".offer")
    expect(offer).to_be_visible(timeout=15000)
    offer.locator("button.accept").click()

    panel = agent.locator("#script-panel")
    expect(panel.locator("#script-name")).to_have_text("Cancellation")
    current = panel.locator(".script-step.current")
    expect(current).to_contain_text("Greet the customer by name")
    expect(panel.locator("#script-missing")).to_have_text(
        "3 required steps still to do before wrap-up."
    )
    current.locator("button", has_text="Done").click()
    expect(current).to_contain_text("Ask why they want to cancel")
    current.locator("button", has_text="Moving").click()
    expect(panel.locator(".script-step.skipped")).to_contain_text("Offer 3 months")
    expect(panel.locator(".script-step.done").nth(1)).to_contain_text("done: Moving")
    screenshot(agent, "script-01-console")

    agent.click("#end-button")
    agent.select_option("#disposition", "cancelled")
    agent.click("#wrap-up button[type=submit]")
    expect(agent.locator("#toast")).to_contain_text(
        "the script's required steps are not done: Confirm what happens next"
    )
    panel.locator(".script-step.current button", has_text="Done").click()
    expect(panel.locator("#script-missing")).to_be_hidden()
    agent.click("#wrap-up button[type=submit]")
    expect(agent.locator("#placeholder")).to_be_visible()


def test_a_step_done_while_the_conversation_is_fetched_again_stays_done(
    browser, platform, host_page, center
):
    """The console asks for a conversation afresh now and then (after a transfer, wrap-up,
    a gap in the pushes). A fresh view built before the step was recorded, arriving while
    the step's answer is on its way, must not bring the step back as still to do."""
    agent = carla_asks_to_cancel(browser, platform, host_page)
    agent.locator(".offer button.accept").click()
    panel = agent.locator("#script-panel")
    missing = panel.locator("#script-missing")
    expect(missing).to_have_text("3 required steps still to do before wrap-up.")
    conversation = agent.evaluate("() => Console.state.active")

    held = []
    agent.route("**/script/", lambda route: held.append(route))
    panel.locator(".script-step.current button", has_text="Done").click()
    while not held:
        agent.wait_for_timeout(20)
    # While the step waits, the console fetches the conversation again: a view of before it.
    agent.evaluate(
        "id => { Console.state.interactions[id].before = true;"
        " Console.request('open', {interaction_id: id}); }",
        conversation,
    )
    agent.wait_for_function("id => !Console.state.interactions[id].before", arg=conversation)
    version = agent.evaluate("id => Console.state.interactions[id].version", conversation)
    held[0].continue_()
    expect(missing).to_have_text("2 required steps still to do before wrap-up.")
    agent.wait_for_function(
        "([id, v]) => Console.state.interactions[id].version > v", arg=[conversation, version]
    )
    agent.evaluate("id => Console.show(id)", conversation)  # drawn again from the state
    expect(missing).to_have_text("2 required steps still to do before wrap-up.")
    expect(panel.locator(".script-step.done")).to_contain_text("Greet the customer by name")
