"""The customer's read receipt: the agent handling a web chat reads it in the console, the log
records that once per customer message newly seen, and the visitor's socket hears of it."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.test import Client

from channels_adapters.webchat import tokens
from contactcenter.events import store
from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import Interaction as Aggregate
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction, TranscriptEntry
from routing import offers
from tests.browser.inbox_world import support_center
from tests.factories import chat_message
from tests.sockets import next_frame, visitor_socket

# -- the rule, without a database -----------------------------------------------------------


def held_by(agent_id: int) -> Aggregate:
    interaction = Aggregate()
    for event in (
        ev.InteractionCreated(
            interaction_id="i1", channel="webchat", channel_key="demo", customer_id="c1"
        ),
        ev.InteractionAssigned(interaction_id="i1", agent_id=agent_id),
    ):
        interaction.apply(event, None)
    return interaction


def test_the_agent_holding_it_reads_each_message_once():
    interaction = held_by(7)
    [read] = interaction.read(7, "m1", 10)
    assert (read.agent_id, read.message_id, read.message_position) == (7, "m1", 10)
    interaction.apply(read, None)
    assert interaction.read(7, "m1", 10) == []  # the same view again
    assert interaction.read(7, "m0", 5) == []  # an older one: receipts only move forward
    assert interaction.read(7, "m2", 12)[0].message_id == "m2"


def test_nobody_else_reading_is_a_receipt():
    interaction = held_by(7)
    assert interaction.read(8, "m1", 10) == []  # a colleague, a supervisor
    waiting = Aggregate()
    waiting.apply(
        ev.InteractionCreated(
            interaction_id="i1", channel="webchat", channel_key="demo", customer_id="c1"
        ),
        None,
    )
    assert waiting.read(7, "m1", 10) == []  # nobody holds it yet


# -- through the console's endpoint and the visitor's socket ---------------------------------


def visitor_chat(agent=None, visitor: str = "") -> tuple[str, str]:
    visitor = visitor or f"v-{uuid.uuid4().hex[:8]}"
    interaction_id = ingest(
        chat_message(visitor=visitor, text="Where is my parcel?")
    ).interaction_id
    if agent is not None:
        offers.assign_by_hand(interaction_id, agent.pk)
    return interaction_id, visitor


def receipts(interaction_id: str) -> list[dict]:
    return [
        e.data for e in store.read_stream(stream_id(interaction_id)) if e.type == "MessagesRead"
    ]


def read(client: Client, interaction_id: str, **body) -> dict:
    url = f"/console/inbox/conversations/{interaction_id}/read/"
    answer = client.post(url, json.dumps(body), content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_reading_in_the_console_is_recorded_once_per_message_newly_seen():
    _support, people = support_center()
    interaction_id, visitor = visitor_chat(people["agent1"])
    agent1 = logged_in(people["agent1"])
    first = TranscriptEntry.objects.get(interaction_id=interaction_id, kind="inbound")

    assert read(agent1, interaction_id)["receipt"] is True
    assert read(agent1, interaction_id)["receipt"] is False  # a redraw, a second tab
    assert [r["message_id"] for r in receipts(interaction_id)] == [first.id]

    # A colleague (same queue) and a supervisor may read it: their markers, no receipt.
    assert read(logged_in(people["agent2"]), interaction_id)["receipt"] is False
    assert read(logged_in(people["boss"]), interaction_id)["receipt"] is False
    assert len(receipts(interaction_id)) == 1

    ingest(chat_message(visitor=visitor, text="Hello?"))
    second = TranscriptEntry.objects.filter(interaction_id=interaction_id, kind="inbound").last()
    # The console says how far it showed: the first message only, nothing new for the customer.
    assert read(agent1, interaction_id, message_id=first.id)["receipt"] is False
    assert read(agent1, interaction_id, message_id=second.id)["receipt"] is True
    assert [r["message_id"] for r in receipts(interaction_id)] == [first.id, second.id]
    row = Interaction.objects.get(pk=interaction_id)
    assert (row.read_message_id, row.read_position) == (second.id, second.position)


@pytest.mark.django_db(transaction=True)
def test_an_offer_not_yet_taken_is_not_read():
    _support, people = support_center()
    interaction_id, _ = visitor_chat()  # waiting in the queue, agent1 may open it
    assert read(logged_in(people["agent1"]), interaction_id)["receipt"] is False
    assert receipts(interaction_id) == []


@pytest.mark.django_db(transaction=True)
def test_bad_reads_are_a_clear_4xx():
    _support, people = support_center()
    interaction_id, _ = visitor_chat(people["agent1"])
    other_id, _ = visitor_chat(people["agent1"])
    other_message = TranscriptEntry.objects.get(interaction_id=other_id, kind="inbound")
    agent1 = logged_in(people["agent1"])
    url = f"/console/inbox/conversations/{interaction_id}/read/"
    assert agent1.post(url, "{bad", content_type="application/json").status_code == 400
    wrong_type = json.dumps({"message_id": 5})
    assert agent1.post(url, wrong_type, content_type="application/json").status_code == 400
    elsewhere = json.dumps({"message_id": other_message.id})  # another conversation's
    assert agent1.post(url, elsewhere, content_type="application/json").status_code == 400
    assert agent1.post("/console/inbox/conversations/nope/read/").status_code == 404
    assert receipts(interaction_id) == []


@pytest.mark.django_db(transaction=True)
async def test_the_visitor_hears_of_it_and_a_reload_still_shows_it():
    _support, people = await sync_to_async(support_center)()
    interaction_id, visitor = await sync_to_async(visitor_chat)(people["agent1"])
    token, _ = tokens.issue("demo", visitor)
    socket = await visitor_socket(token)
    welcome = await next_frame(socket, "welcome")
    assert welcome["conversation"]["read_message_id"] is None

    await sync_to_async(read)(await sync_to_async(logged_in)(people["agent1"]), interaction_id)
    first = await sync_to_async(TranscriptEntry.objects.get)(
        interaction_id=interaction_id, kind="inbound"
    )
    frame = await next_frame(socket, "read")
    assert (frame["interaction_id"], frame["message_id"]) == (interaction_id, first.id)
    await socket.disconnect()

    again = await visitor_socket(token)
    welcome = await next_frame(again, "welcome")
    assert welcome["conversation"]["read_message_id"] == first.id
    await again.disconnect()
