"""Two queues, an agent in each, a supervisor, and API clients holding their tokens."""

import pytest
from rest_framework.test import APIClient

from contactcenter.api.models import ApiToken
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent


def client_for(user, *, can_read_events: bool = False) -> APIClient:
    token = ApiToken(name=f"{user.username} script", user=user, can_read_events=can_read_events)
    key = token.issue()
    token.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def support():
    return a_queue("Support", entry="webchat:support-site")


@pytest.fixture
def billing():
    return a_queue("Billing", entry="webchat:billing-site", dispositions=("refund", "resolved"))


@pytest.fixture
def alice(support):
    return an_agent(support, username="alice")


@pytest.fixture
def bob(billing):
    return an_agent(billing, username="bob", available=False)


@pytest.fixture
def sam(support, billing):
    return an_agent(support, billing, username="sam", supervisor=True, available=False)


@pytest.fixture
def as_alice(alice):
    return client_for(alice)


@pytest.fixture
def as_bob(bob):
    return client_for(bob)


@pytest.fixture
def as_sam(sam):
    return client_for(sam)


def chat_on(site: str, text: str = "Hello, I need help", **fields) -> str:
    return ingest(chat_message(channel_key=site, text=text, **fields)).interaction_id


def offered_to_and_accepted(interaction_id: str, agent) -> Interaction:
    router.route_once()
    row = Interaction.objects.get(pk=interaction_id)
    assert row.offer_agent_id == agent.pk
    offers.accept_offer(interaction_id, row.offer_id, agent.pk)
    return Interaction.objects.get(pk=interaction_id)
