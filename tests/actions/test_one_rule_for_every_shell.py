"""The console and the REST API call the same actions, so they answer alike: a supervisor acts
for the agent holding an interaction on either (the domain sees the holder, the log names the
supervisor), and an agent who does not hold it is refused on either."""

import pytest
from channels.db import database_sync_to_async as in_thread

from channels_adapters.webchat.models import WebChatChannel
from contactcenter.actions import Actor, Forbidden
from contactcenter.actions import interactions as actions
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.api.conftest import client_for
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, next_frame, request


@pytest.fixture
def held():
    """Alice holds a chat in Support; Carol is in Support too; Sam supervises."""
    support = a_queue(name="Support", entry="webchat:*", dispositions=("resolved",))
    WebChatChannel.objects.create(key="demo", name="Demo")
    alice = an_agent(support, username="alice")
    carol = an_agent(support, username="carol", available=False)
    sam = an_agent(support, username="sam", supervisor=True, available=False)
    interaction_id = ingest(chat_message(text="Hello")).interaction_id
    router.route_once()
    row = Interaction.objects.get(pk=interaction_id)
    offers.accept_offer(row.id, row.offer_id, alice.pk)
    return {"alice": alice, "carol": carol, "sam": sam, "id": interaction_id}


def last(interaction_id: str, type_: str) -> store.RecordedEvent:
    return [e for e in store.read_stream(stream_id(interaction_id)) if e.type == type_][-1]


@pytest.mark.django_db(transaction=True)
async def test_a_supervisor_ends_a_conversation_from_the_console_for_the_agent_holding_it(held):
    socket = await agent_socket(held["sam"])
    await next_frame(socket, "snapshot")

    answer = await request(socket, "end", interaction_id=held["id"])

    assert answer["type"] == "ack"
    ended = await in_thread(last)(held["id"], "WrapUpStarted")
    assert ended.data["agent_id"] == held["alice"].pk  # the holder's wrap-up
    assert ended.actor == f"supervisor:{held['sam'].pk}"  # done by the supervisor
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_an_agent_who_does_not_hold_it_is_refused_on_the_console_as_by_the_api(held):
    socket = await agent_socket(held["carol"])
    await next_frame(socket, "snapshot")

    by_socket = await request(socket, "end", interaction_id=held["id"])
    by_api = await in_thread(
        lambda: client_for(held["carol"]).post(f"/api/v1/interactions/{held['id']}/end/")
    )()

    assert by_socket["code"] == "forbidden"
    assert by_api.status_code == 403
    assert by_socket["reason"] == by_api.json()["detail"]
    await socket.disconnect()


@pytest.mark.django_db
def test_a_supervisors_api_transfer_is_the_holders_transfer_under_the_supervisors_name(held):
    answer = client_for(held["sam"]).post(
        f"/api/v1/interactions/{held['id']}/transfer/",
        {"kind": "queue", "to_queue": Interaction.objects.get(pk=held["id"]).queue_id},
        format="json",
    )

    assert answer.status_code == 200, answer.content
    transferred = last(held["id"], "InteractionTransferred")
    assert transferred.data["from_agent_id"] == held["alice"].pk
    assert transferred.actor == f"supervisor:{held['sam'].pk}"


@pytest.mark.django_db
def test_a_supervisors_reply_is_written_as_the_supervisor(held):
    actor = Actor.of(held["sam"], "console")
    actions.send(actor, held["id"], "Hello from the floor", client_message_id="s1")
    sent = last(held["id"], "MessageSent")
    assert sent.data["author"] == f"supervisor:{held['sam'].pk}"


@pytest.mark.django_db
def test_only_the_offered_agent_answers_an_offer_whoever_asks_and_however(held):
    queued = ingest(chat_message(text="Another", visitor="v-2")).interaction_id
    router.route_once()
    row = Interaction.objects.get(pk=queued)
    offered_to = row.offer_agent_id
    someone_else = next(
        u for u in (held["alice"], held["carol"], held["sam"]) if u.pk != offered_to
    )
    for via in ("console", "api"):
        with pytest.raises(Forbidden, match="not offered to you"):
            actions.accept(Actor.of(someone_else, via), queued, row.offer_id)
