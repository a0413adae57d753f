"""The conversation an agent looks at is theirs to choose: an accept still on its way when the
agent clicks another tab does not pull them away from what they chose (seen in the soak: the
agent typed into one conversation while the console jumped to the one just accepted)."""

import pytest
from playwright.sync_api import expect

from tests.browser.inbox_world import a_chat, log_in, support_center

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_tab_chosen_while_an_accept_is_on_its_way_stays_chosen(browser, platform):
    _support, people = support_center(agent1=True)
    a_chat(people["agent1"], text="still talking", name="Hana Held")
    page = log_in(browser, platform, "agent1")
    expect(page.locator("#thread-title")).to_have_text("Hana Held")

    a_chat(text="a new question", name="Nina New")
    expect(page.locator(".offer")).to_be_visible(timeout=15000)
    # Accept, then at once (before the server answers) go back to Hana's conversation.
    page.evaluate(
        """() => {
            document.querySelector('.offer button.accept').click();
            document.querySelector('#tabs li.tab').click();
        }"""
    )
    expect(page.locator("#tabs li.tab")).to_have_count(2)  # the accept went through
    page.wait_for_timeout(500)  # and its answer, and the pushed OfferAccepted, have come
    expect(page.locator("#thread-title")).to_have_text("Hana Held")

    page.locator("#tabs li.tab", has_text="Nina New").click()
    expect(page.locator("#thread-title")).to_have_text("Nina New")


def test_accepting_with_nothing_else_chosen_opens_the_accepted_conversation(browser, platform):
    _support, people = support_center(agent1=True)
    a_chat(people["agent1"], text="still talking", name="Hana Held")
    page = log_in(browser, platform, "agent1")
    expect(page.locator("#thread-title")).to_have_text("Hana Held")

    a_chat(text="a new question", name="Nina New")
    page.locator(".offer button.accept").click(timeout=15000)
    expect(page.locator("#thread-title")).to_have_text("Nina New")
