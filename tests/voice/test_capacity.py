"""A call takes the agent's whole capacity while it lasts: nothing else is offered. An agent
on the console's softphone takes calls only while it is on, the microphone allowed."""

import pytest

from channels_adapters.voice.media.tokens import SOFTPHONE
from contactcenter.events import store
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import config, consoles, offers, presence, router
from routing.models import AgentProfile, AgentState
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


def test_a_softphone_agent_is_offered_calls_only_while_the_softphone_is_on(
    client, api, line, agent
):
    AgentProfile.objects.filter(user=agent).update(voice_endpoint=SOFTPHONE)
    config.invalidate()
    phone = Phone(client)
    phone.dial_in()
    phone.press("3")
    router.route_once()
    call = Interaction.objects.get(channel="voice")
    assert call.state == "queued"  # the softphone is off: the call would ring nowhere

    client.force_login(agent)
    turned_on = client.post(
        "/channels/voice/softphone/", {"on": True}, content_type="application/json"
    )
    assert turned_on.status_code == 200, turned_on.content
    router.route_once()
    call.refresh_from_db()
    assert (call.state, call.offer_agent_id) == ("offered", agent.pk)
    offers.reject_offer(call.id, call.offer_id, agent.pk)

    consoles.lose(agent.pk, "closed")  # the console, and the softphone in it, went away
    assert not AgentState.objects.get(pk=agent.pk).softphone_on
    [off] = [
        e for e in store.read_stream(presence.stream_id(agent.pk)) if e.type == "SoftphoneTurnedOff"
    ]
    assert off.data["reason"] == "the console went away"


def test_turning_the_softphone_on_says_on_or_off(client, agent):
    client.force_login(agent)
    refused = client.post(
        "/channels/voice/softphone/", {"on": "yes"}, content_type="application/json"
    )
    assert refused.status_code == 400
    for on in (True, True, False):
        client.post("/channels/voice/softphone/", {"on": on}, content_type="application/json")
    kinds = [e.type for e in store.read_stream(presence.stream_id(agent.pk))]
    assert [k for k in kinds if k.startswith("Softphone")] == [
        "SoftphoneTurnedOn",
        "SoftphoneTurnedOff",
    ]
