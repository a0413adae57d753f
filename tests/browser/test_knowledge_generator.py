"""The optional generator in Chromium: with an OpenAI-compatible endpoint configured (a local
fake here), the console offers "Draft a reply"; the draft, grounded in the articles found for
the customer's words, lands in the reply box for the agent to edit."""

import pytest
from playwright.sync_api import expect

from contactcenter.interactions.ingest import ingest
from tests.browser.conftest import serve
from tests.browser.test_chat_end_to_end import PASSWORD, log_in
from tests.factories import chat_message
from tests.knowledge.builders import demo_knowledge_base
from tests.knowledge.fake_llm import FakeChatCompletions
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)
DRAFT = "You can pause your plan for up to three months under Account, Subscription, Pause."


@pytest.fixture
def generator():
    fake = FakeChatCompletions(DRAFT)
    yield fake
    fake.close()


@pytest.fixture
def platform(transactional_db, generator):
    yield from serve(KNOWLEDGE_GENERATOR_URL=generator.url, KNOWLEDGE_GENERATOR_MODEL="local")


def test_the_agent_drafts_a_reply_with_the_configured_generator(browser, platform, generator):
    support = a_queue(name="Support", entry="webchat:*")
    agent = an_agent(support, username="agent1")
    agent.set_password(PASSWORD)
    agent.save()
    demo_knowledge_base()
    console = log_in(browser, platform, "agent1")
    ingest(chat_message(visitor="v-draft", text="Can I pause my subscription while I travel?"))
    console.locator(".offer button.accept").click(timeout=15000)

    draft = console.locator("#assist-draft")
    expect(draft).to_be_visible()
    draft.click()
    expect(console.locator("#reply")).to_have_value(DRAFT)
    [request] = generator.requests
    system = request["body"]["messages"][0]["content"]
    assert "Pausing your subscription" in system
    assert request["body"]["model"] == "local"
