"""The inbox's endpoints: who sees what, and bad input answered 400."""

import json

import pytest
from django.test import Client

from contactcenter.inbox.models import Draft
from tests.browser.inbox_world import a_chat, support_center

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent1():
    _support, people = support_center()
    client = Client()
    client.force_login(people["agent1"])
    return client, people


def test_bad_input_is_a_clear_400(agent1):
    client, people = agent1
    interaction_id = a_chat(people["agent1"])
    assert client.get("/console/inbox/?view=nope").status_code == 400
    assert client.get("/console/inbox/?view=all").status_code == 403  # supervisors only
    settings = client.post("/console/inbox/settings/", "{bad", content_type="application/json")
    assert settings.status_code == 400
    draft = f"/console/inbox/conversations/{interaction_id}/draft/"
    assert client.put(draft, json.dumps({"text": 5}), "application/json").status_code == 400
    long = json.dumps({"text": "x" * 40_001})
    assert client.put(draft, long, "application/json").status_code == 400
    assert not Draft.objects.exists()


def test_a_draft_is_one_agents_own(agent1):
    client, people = agent1
    interaction_id = a_chat(people["agent1"])
    draft = f"/console/inbox/conversations/{interaction_id}/draft/"
    client.put(draft, json.dumps({"text": "hello"}), "application/json")
    other = Client()
    other.force_login(people["agent2"])  # same queue: may open it, has no draft of their own
    assert other.get(draft).json() == {"text": ""}
    assert client.get(draft).json() == {"text": "hello"}
    client.put(draft, json.dumps({"text": "  "}), "application/json")
    assert not Draft.objects.exists()


def test_a_follow_up_needs_an_ended_conversation_and_some_text(agent1):
    client, people = agent1
    interaction_id = a_chat(people["agent1"])
    url = f"/console/inbox/conversations/{interaction_id}/follow-up/"
    answer = client.post(url, json.dumps({"text": "hi"}), "application/json")
    assert answer.status_code == 409
    assert client.post("/console/inbox/conversations/nope/follow-up/").status_code == 404


def test_an_offered_conversation_is_counted_once_for_the_tabs_title():
    """The console's title counts offers and conversations in hand with unread messages. An
    offered chat is in "Mine" with its unread first message too, and the title said (2) for
    one chat whenever the inbox was read after the offer came (a browser test's rerun under
    load)."""
    from contactcenter.interactions.models import Interaction
    from routing import router

    _support, people = support_center(agent1=True)
    client = Client()
    client.force_login(people["agent1"])
    held = a_chat(people["agent1"])  # in hand, its first message unread
    offered = a_chat(text="Anyone there?")
    router.route_once()
    assert Interaction.objects.get(pk=offered).offer_agent_id == people["agent1"].pk

    listing = client.get("/console/inbox/?view=mine").json()
    assert {item["id"] for item in listing["items"]} == {held, offered}
    assert listing["unread"]["mine"] == 2  # the view's badge: both, as before
    assert listing["in_hand_unread"] == 1  # the title's: the held one; the offer counts itself
