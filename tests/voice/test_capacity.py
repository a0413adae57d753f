"""A call takes the agent's whole capacity while it lasts: nothing else is offered."""

import pytest

from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.factories import chat_message
from tests.voice.phone import Phone

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_on_a_call_is_offered_no_chat_until_it_ends(client, api, line, agent):
    phone = Phone(client)
    phone.dial_in()
    phone.press("3")
    router.route_once()
    call = Interaction.objects.get(channel="voice")
    offers.accept_offer(call.id, call.offer_id, agent.pk)

    chat = ingest(chat_message())
    router.route_once()
    assert Interaction.objects.get(pk=chat.interaction_id).state == "queued"

    phone.status("completed")
    offers.wrap_up(call.id, agent.pk, disposition="resolved")
    router.route_once()

    chat_row = Interaction.objects.get(pk=chat.interaction_id)
    assert (chat_row.state, chat_row.offer_agent_id) == ("offered", agent.pk)
