"""A web chat channel and its topics are kept by each process with the routing configuration
(channels_adapters/webchat/configured.py): a visitor's token and connect read no channel row
(issue 18), and an edit in admin still reaches the next visitor, here at once, in other
processes within the configuration's TTL."""

import uuid

import pytest

from channels_adapters.webchat import tokens
from channels_adapters.webchat import visitor as visitors
from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from contactcenter.interactions.models import Interaction
from routing import config
from tests import statements
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat():
    a_queue(name="Support", entry="webchat:*")
    billing = a_queue(name="Billing", entry=None)
    chat = WebChatChannel.objects.create(key="demo", name="Demo", greeting="Hello")
    WebChatTopic.objects.create(channel=chat, label="Billing", queue=billing)
    return chat


def a_visitor() -> tokens.Visitor:
    return tokens.issue("demo", str(uuid.uuid4()))[1]


def channel_reads(run: list[str]) -> list[str]:
    return [sql for sql in run if "webchat_webchatchannel" in sql or "webchat_webchattopic" in sql]


def test_a_visitors_token_and_connect_read_no_channel_once_the_process_knows_it(chat):
    visitors.welcome(a_visitor())  # the process reads the channel once
    with statements.recorded() as run:
        assert visitors.channel("demo").pk == chat.pk  # the token's question
        opened = visitors.opened(a_visitor())  # the socket's opening
    assert channel_reads(run) == []
    assert opened[1]["channel"]["greeting"] == "Hello"
    assert [t["label"] for t in opened[1]["channel"]["topics"]] == ["Billing"]


def test_a_greeting_and_a_topic_changed_in_admin_reach_the_next_visitor(chat):
    visitors.welcome(a_visitor())
    chat.greeting = "Welcome back"
    chat.save()
    billing = WebChatTopic.objects.get()
    billing.order = 2
    billing.save()
    WebChatTopic.objects.create(channel=chat, label="Accounts", queue=billing.queue, order=1)

    welcome = visitors.welcome(a_visitor())

    assert welcome["channel"]["greeting"] == "Welcome back"
    assert [t["label"] for t in welcome["channel"]["topics"]] == ["Accounts", "Billing"]


def test_a_deleted_channel_gives_no_more_tokens(chat):
    assert visitors.channel("demo") is not None
    chat.delete()
    assert visitors.channel("demo") is None


def test_another_processs_change_is_seen_once_the_configuration_is_checked(chat, monkeypatch):
    """Another process saved it: its save bumped the configuration's generation, which this
    process asks for once every TTL_SECONDS (none here), and reads the channel again."""
    visitors.welcome(a_visitor())
    WebChatChannel.objects.filter(pk=chat.pk).update(greeting="Changed elsewhere")
    config.bump_generation()  # what that process's save did, without telling this one
    assert visitors.welcome(a_visitor())["channel"]["greeting"] == "Hello"  # within the TTL

    monkeypatch.setattr(config, "TTL_SECONDS", 0.0)
    assert visitors.welcome(a_visitor())["channel"]["greeting"] == "Changed elsewhere"


def test_a_topic_picked_in_the_form_routes_to_its_queue_without_a_read(chat):
    billing = WebChatTopic.objects.get()
    visitor = a_visitor()
    visitors.welcome(visitor)
    with statements.recorded() as run:
        result = visitors.send_message(
            visitor, "my invoice", "c1", visitors.Profile(topic_id=billing.pk)
        )
    assert channel_reads(run) == []
    assert Interaction.objects.get(pk=result.interaction_id).queue_id == billing.queue_id


def test_a_topic_of_another_channel_is_not_taken(chat):
    other = WebChatChannel.objects.create(key="other", name="Other")
    elsewhere = a_queue(name="Elsewhere", entry=None)
    foreign = WebChatTopic.objects.create(channel=other, label="Elsewhere", queue=elsewhere)
    # The demo channel's visitor names another channel's topic: it goes where demo's go.
    result = visitors.send_message(a_visitor(), "hi", "c1", visitors.Profile(topic_id=foreign.pk))
    assert Interaction.objects.get(pk=result.interaction_id).queue_id != elsewhere.pk
