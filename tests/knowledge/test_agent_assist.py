"""Agent assist beside a conversation: articles and canned replies for what the customer
wrote, the sentiment of each of their messages, search with the interaction's scope, and a
drafted reply from a generator (a local fake of an OpenAI-compatible server). Every request
checks who asks first."""

import pytest

from contactcenter import clock
from contactcenter.console.models import CannedResponse
from contactcenter.interactions.ingest import ingest
from contactcenter.knowledge.models import ConversationSentiment, MessageSentiment
from contactcenter.supervisor.wallboard import alert_conditions, negative_conversations
from tests.factories import chat_message
from tests.knowledge.fake_llm import FakeChatCompletions
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def support():
    return a_queue("Support", entry="webchat:*")


@pytest.fixture
def agent(client, support):
    user = an_agent(support, username="ada")
    client.force_login(user)
    return user


def a_chat(text: str, visitor: str = "v-assist") -> str:
    return ingest(chat_message(visitor=visitor, text=text)).interaction_id


def test_suggestions_follow_what_the_customer_wrote(client, kb, agent):
    CannedResponse.objects.create(
        title="Refund timing", text="Refunds take up to 5 working days once we have your return."
    )
    CannedResponse.objects.create(title="Greeting", text="Hello {customer.first_name}!")
    chat = a_chat("When do I get my refund? I sent the parcel back last week")

    answer = client.get(f"/knowledge/assist/{chat}/").json()

    assert answer["articles"][0]["title"] == "When will I get my refund?"
    assert answer["canned"][0]["title"] == "Refund timing"
    assert answer["generator"] is False
    ingest(chat_message(visitor="v-assist", text="Also, how do I change my e-mail address?"))
    later = client.get(f"/knowledge/assist/{chat}/").json()
    assert "Changing the e-mail address of your account" in [a["title"] for a in later["articles"]]


def test_each_customer_message_has_its_sentiment_and_the_turn_to_negative_is_an_alert(
    client, kb, agent
):
    chat = a_chat("Hi, where is my order?", visitor="v-mood")
    ingest(chat_message(visitor="v-mood", text="This is unacceptable, I am furious!!"))
    scores = client.get(f"/knowledge/sentiment/{chat}/").json()
    labels = sorted(s["label"] for s in scores["messages"].values())
    assert labels == ["negative", "neutral"]
    assert scores["negative"] is True
    mood = ConversationSentiment.objects.get(pk=chat)
    assert mood.messages == 2 and mood.turned_negative_at is not None
    alert = negative_conversations()[f"conversation_negative:{chat}"]
    assert alert[0] == "conversation_negative"
    assert f"conversation_negative:{chat}" in alert_conditions(clock.now())

    ingest(chat_message(visitor="v-mood", text="ok thanks, that is great, I appreciate it"))
    ingest(chat_message(visitor="v-mood", text="thank you so much, wonderful"))
    assert not ConversationSentiment.objects.get(pk=chat).negative
    assert MessageSentiment.objects.filter(interaction_id=chat).count() == 4


def test_the_mood_board_is_for_supervisors(client, kb, support):
    chat = a_chat("This is ridiculous and useless", visitor="v-board")
    client.force_login(an_agent(support, username="sam", supervisor=True))
    [row] = client.get("/knowledge/moods/").json()["conversations"]
    assert (row["interaction_id"], row["negative"]) == (chat, True)
    client.force_login(an_agent(support, username="plain"))
    assert client.get("/knowledge/moods/").status_code == 403


def test_console_search_finds_internal_articles_in_the_interactions_scope(client, kb, agent):
    chat = a_chat("hello")
    found = client.get("/knowledge/search/", {"q": "cancel my subscription", "interaction": chat})
    assert found.json()["results"][0]["title"] == "Cancelling your subscription"


def test_nobody_reads_assist_for_a_conversation_they_may_not_open(client, kb, support):
    chat = a_chat("my parcel is lost")
    other_queue = a_queue("Sales", entry=None)
    client.force_login(an_agent(other_queue, username="eve"))
    for path in (f"/knowledge/assist/{chat}/", f"/knowledge/sentiment/{chat}/"):
        assert client.get(path).status_code == 404
    assert client.get("/knowledge/search/", {"q": "x", "interaction": chat}).status_code == 404
    assert client.post(f"/knowledge/draft/{chat}/").status_code == 404
    client.logout()
    assert client.get(f"/knowledge/assist/{chat}/").status_code == 302  # to the login page


def test_without_a_generator_there_is_no_draft(client, kb, agent):
    chat = a_chat("how do I reset my password")
    answer = client.post(f"/knowledge/draft/{chat}/")
    assert (answer.status_code, answer.json()["error"]) == (409, "no generator is configured")


def test_a_generator_drafts_from_the_retrieved_articles(client, kb, agent, settings):
    fake = FakeChatCompletions("Open the sign-in page and choose Forgot password.")
    settings.KNOWLEDGE_GENERATOR_URL = fake.url
    settings.KNOWLEDGE_GENERATOR_MODEL = "local-model"
    settings.KNOWLEDGE_GENERATOR_API_KEY = "sk-test"
    try:
        chat = a_chat("I forgot my password, help")
        answer = client.post(f"/knowledge/draft/{chat}/").json()
    finally:
        fake.close()
    assert answer["text"] == "Open the sign-in page and choose Forgot password."
    [request] = fake.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer sk-test"
    system, user = request["body"]["messages"]
    assert request["body"]["model"] == "local-model"
    assert "How do I reset my password?" in system["content"]  # grounded in the article
    assert user == {"role": "user", "content": "I forgot my password, help"}


def test_a_failing_generator_is_a_502_in_words(client, kb, agent, settings):
    fake = FakeChatCompletions(status=500)
    settings.KNOWLEDGE_GENERATOR_URL = fake.url
    try:
        chat = a_chat("I forgot my password")
        answer = client.post(f"/knowledge/draft/{chat}/")
    finally:
        fake.close()
    assert (answer.status_code, answer.json()["error"]) == (502, "the generator answered 500")
