"""A small contact center for the inbox's browser tests: a Support queue for web chat, agents
who log in with a password, and conversations made through the real commands."""

from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

PASSWORD = "pw-for-tests"


def support_center(**agents_available):
    support = a_queue(name="Support", entry="webchat:*", dispositions=("resolved",))
    WebChatChannel.objects.create(key="demo", name="Demo")
    people = {}
    for username, supervisor in (("agent1", False), ("agent2", False), ("boss", True)):
        user = an_agent(
            support,
            username=username,
            supervisor=supervisor,
            available=agents_available.get(username, False),
        )
        user.set_password(PASSWORD)
        user.first_name = username.capitalize()
        user.save()
        people[username] = user
    return support, people


def a_chat(agent=None, text: str = "Hello, I need help", name: str = "Vera Visitor") -> str:
    """A web chat from a new visitor; accepted by `agent` if given (else it waits)."""
    interaction_id = ingest(chat_message(text=text, sender_name=name)).interaction_id
    if agent is not None:
        offers.assign_by_hand(interaction_id, agent.pk)
    return interaction_id


def offered_and_accepted(agent) -> None:
    router.route_once()
    for row in Interaction.objects.filter(state="offered", offer_agent_id=agent.pk):
        offers.accept_offer(row.id, row.offer_id, agent.pk)


def log_in(browser, platform, username, where="/console/", connected="connected", context=None):
    page = (context or browser.new_context()).new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.goto(f"{platform}{where}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#connection")).to_have_text(connected)
    return page
