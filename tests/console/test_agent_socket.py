"""The agent console over `/ws/agent/`: offers, replies, notes, transfer, wrap-up, access."""

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.contrib.auth.models import User

from channels_adapters.webchat.models import WebChatChannel
from contactcenter.console.models import CannedResponse
from contactcenter.interactions.commands import add_note
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import router
from tests import statements
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, event, next_frame, request, visitor_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center():
    support = a_queue(name="Support", entry="webchat:*", dispositions=("resolved",))
    other = a_queue(name="Other", entry=None)
    WebChatChannel.objects.create(key="demo", name="Demo")
    return {
        "support": support,
        "other": other,
        "alice": an_agent(support, username="alice"),
        "bob": an_agent(support, username="bob", available=False),
        "outsider": an_agent(other, username="outsider", available=False),
        "boss": an_agent(username="boss", supervisor=True, available=False),
    }


@sync_to_async
def arrive(text="Hello, I need help", visitor=None):
    return ingest(chat_message(text=text, visitor=visitor)).interaction_id


@sync_to_async
def route():
    return router.route_once()


async def offered(socket, interaction_id) -> dict:
    """The interaction's offer once it reaches the console. The router runs round after round
    in a real deployment (at least every MAX_IDLE_SECONDS); here it is asked again while no
    offer has come: a round passes over an agent whose row another transaction holds at that
    moment, and the next one offers."""
    for _ in range(8):
        try:
            offer = await asyncio.wait_for(event(socket, "OfferCreated"), 2)
            break
        except TimeoutError:
            await route()
    else:
        row = await sync_to_async(Interaction.objects.get)(pk=interaction_id)
        raise AssertionError(f"never offered: {row.state}, offer {row.offer_id!r}")
    assert offer["data"]["interaction_id"] == interaction_id
    return offer


async def accepted(socket, interaction_id) -> dict:
    """Accept the interaction's offer once it reaches the console."""
    offer = await offered(socket, interaction_id)
    answer = await request(
        socket, "accept", interaction_id=interaction_id, offer_id=offer["data"]["offer_id"]
    )
    assert answer["type"] == "ack", answer
    return answer["interaction"]


async def test_only_logged_in_agents_get_a_console(center):
    anonymous = await agent_socket(None)
    assert (await next_frame(anonymous, "error"))["code"] == "unauthorized"
    assert (await anonymous.receive_output(timeout=5))["code"] == 4403

    stranger = await sync_to_async(User.objects.create_user)("stranger")
    socket = await agent_socket(stranger)
    assert (await next_frame(socket, "error"))["reason"] == "this account is not an agent"


async def test_a_socket_from_a_foreign_origin_is_refused(center):
    from channels.testing import WebsocketCommunicator

    from contactcenter.asgi import application
    from tests.sockets import session_cookie

    cookie = await sync_to_async(session_cookie)(center["alice"])
    socket = WebsocketCommunicator(
        application,
        "/ws/agent/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)],
    )
    connected, _ = await socket.connect(timeout=5)
    assert not connected


async def test_the_console_starts_from_a_snapshot_and_receives_the_offer(center):
    socket = await agent_socket(center["alice"])
    snapshot = await next_frame(socket, "snapshot")
    assert snapshot["me"]["presence"] == "available"
    assert {q["name"] for q in snapshot["queues"]} == {"Support", "Other"}

    interaction_id = await arrive()
    await route()
    offer = await offered(socket, interaction_id)

    assert offer["data"]["decision"]["reason"]
    await socket.disconnect()


async def test_accept_reply_note_and_wrap_up_from_the_console(center):
    visitor_id = str(uuid.uuid4())
    visitor = await visitor_socket(visitor_id=visitor_id)
    await next_frame(visitor, "welcome")
    await visitor.send_json_to(
        {"type": "message", "text": "Where is my order?", "client_message_id": "c1"}
    )
    interaction_id = (await next_frame(visitor, "ack"))["interaction_id"]
    socket = await agent_socket(center["alice"])
    await next_frame(socket, "snapshot")
    await route()

    view = await accepted(socket, interaction_id)
    assert view["state"] == "active" and view["messages"][0]["text"] == "Where is my order?"

    reply = await request(
        socket, "send", interaction_id=interaction_id, text="On its way!", client_message_id="r1"
    )
    assert reply["type"] == "ack"
    note = await request(socket, "note", interaction_id=interaction_id, text="check courier")
    assert note["type"] == "ack"
    seen = await next_frame(visitor, "message", skip=("tick", "agent_joined"))
    while seen["message"]["author"] == "customer":
        seen = await next_frame(visitor, "message")
    assert seen["message"]["text"] == "On its way!"
    assert await visitor.receive_nothing(timeout=0.5) or "check courier" not in str(
        await visitor.receive_json_from()
    )

    assert (
        await request(socket, "wrap_up", interaction_id=interaction_id, disposition="resolved")
    )["code"] == "refused"  # not ended yet
    await request(socket, "end", interaction_id=interaction_id)
    refused = await request(socket, "wrap_up", interaction_id=interaction_id, disposition="sale")
    assert "not a disposition" in refused["reason"]
    done = await request(
        socket,
        "wrap_up",
        interaction_id=interaction_id,
        disposition="resolved",
        notes="sent tracking link",
    )
    assert done["type"] == "ack"
    row = await sync_to_async(Interaction.objects.get)(pk=interaction_id)
    assert (row.state, row.disposition) == ("closed", "resolved")
    await socket.disconnect()
    await visitor.disconnect()


async def test_a_resent_reply_is_sent_once(center):
    interaction_id = await arrive()
    socket = await agent_socket(center["alice"])
    await next_frame(socket, "snapshot")
    await route()
    await accepted(socket, interaction_id)
    first = await request(
        socket, "send", interaction_id=interaction_id, text="hi", client_message_id="same"
    )
    again = await request(
        socket, "send", interaction_id=interaction_id, text="hi", client_message_id="same"
    )
    assert first["message_id"] == again["message_id"]
    await socket.disconnect()


async def test_an_agent_cannot_open_another_queues_interaction_but_a_supervisor_can(center):
    interaction_id = await arrive()
    outsider = await agent_socket(center["outsider"])
    await next_frame(outsider, "snapshot")
    refused = await request(outsider, "open", interaction_id=interaction_id)
    assert refused["code"] == "forbidden"
    assert (
        await request(
            outsider, "send", interaction_id=interaction_id, text="hi", client_message_id="x"
        )
    )["code"] == "forbidden"

    boss = await agent_socket(center["boss"])
    await next_frame(boss, "snapshot")
    await boss.send_json_to({"type": "open", "interaction_id": interaction_id})
    view = (await next_frame(boss, "interaction"))["interaction"]
    assert view["id"] == interaction_id
    await outsider.disconnect()
    await boss.disconnect()


async def a_chat_alice_holds_and_bobs_console(center) -> tuple:
    """A chat Alice accepted on her console, and her colleague Bob's console."""
    interaction_id = await arrive()
    alice = await agent_socket(center["alice"])
    await next_frame(alice, "snapshot")
    await route()
    await accepted(alice, interaction_id)
    bob = await agent_socket(center["bob"])
    await next_frame(bob, "snapshot")
    return interaction_id, alice, bob


async def test_an_agent_cannot_reply_on_a_chat_someone_else_handles(center):
    interaction_id, alice, bob = await a_chat_alice_holds_and_bobs_console(center)
    answer = await request(
        bob, "send", interaction_id=interaction_id, text="me too", client_message_id="b1"
    )
    assert answer["code"] == "forbidden"
    await alice.disconnect()
    await bob.disconnect()


async def an_offer_opened(agent, interaction_id) -> tuple:
    """The agent's console, the interaction's offer pushed to it, and its view, opened as the
    console opens an offer."""
    socket = await agent_socket(agent)
    await next_frame(socket, "snapshot")
    await route()
    offer = await offered(socket, interaction_id)
    await socket.send_json_to({"type": "open", "interaction_id": interaction_id})
    return socket, offer, (await next_frame(socket, "interaction"))["interaction"]


async def test_an_accept_asking_for_no_view_is_told_the_rest_by_its_push(center):
    """The console opened the offer; with no whisper held back from it, its accept asks for
    no view, and reads no transcript: the accept's pushed event brings the joined line, which
    the console used to read the whole view again for (issue 18)."""
    interaction_id = await arrive()
    socket, offer, view = await an_offer_opened(center["alice"], interaction_id)
    assert view["notes_withheld"] == 0

    with statements.recorded() as run:
        await socket.send_json_to(
            {
                "type": "accept",
                "ref": "a1",
                "interaction_id": interaction_id,
                "offer_id": offer["data"]["offer_id"],
                "view": "none",
            }
        )
        answer = pushed = None
        while answer is None or pushed is None:  # the push may come first, or the answer
            frame = await socket.receive_json_from(timeout=5)
            if frame.get("ref") == "a1":
                answer = frame
            elif frame.get("event") == "OfferAccepted":
                pushed = frame

    assert answer["type"] == "ack" and answer["interaction"] is None, answer
    assert not [sql for sql in run if 'FROM "interactions_transcriptentry"' in sql], run
    line = pushed["entry"]
    assert (line["id"], line["kind"]) == (f"activity:{pushed['position']}", "activity")
    assert line["text"].endswith("joined the conversation."), line
    # The line is the view's own, word for word.
    await socket.send_json_to({"type": "open", "interaction_id": interaction_id})
    opened = await next_frame(socket, "interaction")
    assert line in opened["interaction"]["messages"]
    await socket.disconnect()


async def test_a_whisper_held_back_from_the_offer_is_the_agents_once_they_accept(center):
    """A supervisor's whisper is for the agent handling the chat: the agent it is only
    offered to sees it counted, not read, and the console asks for it with the accept."""
    interaction_id = await arrive()
    await sync_to_async(add_note)(
        interaction_id, "VIP: offer the refund", author="boss", audience="agent"
    )
    socket, offer, view = await an_offer_opened(center["alice"], interaction_id)
    assert view["notes_withheld"] == 1
    assert "VIP: offer the refund" not in str(view["messages"])

    answer = await request(
        socket,
        "accept",
        interaction_id=interaction_id,
        offer_id=offer["data"]["offer_id"],
        view="partial",
    )

    notes = [m["text"] for m in answer["interaction"]["messages"] if m["kind"] == "note"]
    assert notes == ["VIP: offer the refund"]
    await socket.disconnect()


async def test_a_whisper_is_pushed_to_the_agent_handling_the_chat_not_to_a_colleague(center):
    """A colleague who opened the chat watches it and is pushed its events: a supervisor's
    whisper reached their socket, text and all, and only their console hid it."""
    from contactcenter.actions import Actor
    from contactcenter.actions.supervision import whisper

    interaction_id, alice, bob = await a_chat_alice_holds_and_bobs_console(center)
    await bob.send_json_to({"type": "open", "interaction_id": interaction_id})
    await next_frame(bob, "interaction")

    boss = Actor.of(center["boss"], "console")
    await sync_to_async(whisper)(boss, interaction_id, "offer the refund")

    to_alice = await event(alice, "InternalNoteAdded")
    to_bob = await event(bob, "InternalNoteAdded")
    assert to_alice["data"]["text"] == "offer the refund"
    assert to_bob["data"] == {
        "interaction_id": interaction_id,
        "note_id": to_alice["data"]["note_id"],
        "audience": "agent",
    }
    assert "offer the refund" not in str(to_bob)
    await bob.send_json_to({"type": "open", "interaction_id": interaction_id})
    view = (await next_frame(bob, "interaction"))["interaction"]
    assert view["notes_withheld"] == 1 and "offer the refund" not in str(view)
    await alice.disconnect()
    await bob.disconnect()


async def test_transfer_to_a_colleague_moves_the_conversation(center):
    interaction_id = await arrive()
    alice = await agent_socket(center["alice"])
    await next_frame(alice, "snapshot")
    await route()
    await accepted(alice, interaction_id)
    bob = await agent_socket(center["bob"])
    await next_frame(bob, "snapshot")
    await request(bob, "presence", presence="available")

    answer = await request(
        alice,
        "transfer",
        interaction_id=interaction_id,
        kind="agent",
        agent_id=center["bob"].pk,
        note="billing question",
    )
    assert answer["type"] == "ack"
    await route()
    offer = await offered(bob, interaction_id)
    assert offer["data"]["decision"]["reason"] == "transferred to this agent"
    await alice.disconnect()
    await bob.disconnect()


async def test_canned_responses_fill_in_the_customer_and_agent(center):
    response = await sync_to_async(CannedResponse.objects.create)(
        title="Hi", shortcut="hi", text="Hi {customer.first_name}, I'm {agent.first_name}."
    )
    interaction_id = await arrive()
    await sync_to_async(_name_customer)(interaction_id, "Vera Visitor")
    socket = await agent_socket(center["alice"])
    await next_frame(socket, "snapshot")
    answer = await request(socket, "canned", interaction_id=interaction_id, canned_id=response.pk)
    assert answer["text"] == "Hi Vera, I'm alice."
    await socket.disconnect()


def _name_customer(interaction_id: str, name: str) -> None:
    from crm import customers

    customers.update_profile(Interaction.objects.get(pk=interaction_id).customer_id, name=name)


async def test_a_console_that_missed_pushes_converges_to_a_fresh_load(center):
    """Zulip's test, ours: apply the pushes a console did get to its stale state; where a
    version is missing it re-opens the interaction; the result equals a fresh snapshot."""
    interaction_id = await arrive()
    socket = await agent_socket(center["alice"])
    await next_frame(socket, "snapshot")
    await route()
    stale = await accepted(socket, interaction_id)

    await sync_to_async(_customer_says)(interaction_id, "one")
    await sync_to_async(_customer_says)(interaction_id, "two")
    await sync_to_async(_customer_says)(interaction_id, "three")
    frames = [await event(socket, "MessageReceived") for _ in range(3)]
    del frames[1]  # the network ate one push

    view = dict(stale)
    for frame in frames:
        if frame["version"] != view["version"] + 1:
            await socket.send_json_to({"type": "open", "interaction_id": interaction_id})
            view = (await next_frame(socket, "interaction"))["interaction"]
            continue
        view["version"] = frame["version"]
        view["messages"] = [*view["messages"], {"text": frame["data"]["text"]}]

    fresh = await agent_socket(center["alice"])
    snapshot = await next_frame(fresh, "snapshot")
    (loaded,) = snapshot["interactions"]
    assert view["version"] == loaded["version"]
    assert [m["text"] for m in view["messages"]] == [m["text"] for m in loaded["messages"]]
    await socket.disconnect()
    await fresh.disconnect()


def _customer_says(interaction_id: str, text: str) -> None:
    row = Interaction.objects.get(pk=interaction_id)
    ingest(chat_message(visitor=row.threading_key, text=text))


async def test_unknown_and_malformed_requests_get_errors(center):
    socket = await agent_socket(center["alice"])
    await next_frame(socket, "snapshot")
    assert (await request(socket, "drop_tables"))["code"] == "unknown_type"
    assert (await request(socket, "accept"))["code"] == "bad_request"
    assert (await request(socket, "presence", presence="asleep"))["code"] == "refused"
    await socket.disconnect()


async def frames_until(socket, event_name: str) -> list[dict]:
    """Every frame up to and including the next pushed event of type `event_name`."""
    seen = []
    while True:
        frame = await socket.receive_json_from(timeout=5)
        seen.append(frame)
        if frame.get("type") == "event" and frame["event"] == event_name:
            return seen


def about(frames: list[dict], interaction_id: str) -> list[dict]:
    return [
        f
        for f in frames
        if f.get("interaction_id") == interaction_id
        or f.get("data", {}).get("interaction_id") == interaction_id
    ]


async def chatting_with_alice(center, text: str):
    """A visitor's chat that Alice accepted: the visitor's socket, Alice's, the chat's id."""
    visitor = await visitor_socket(visitor_id=str(uuid.uuid4()))
    await next_frame(visitor, "welcome")
    await visitor.send_json_to({"type": "message", "text": text, "client_message_id": "v1"})
    interaction_id = (await next_frame(visitor, "ack"))["interaction_id"]
    alice = await agent_socket(center["alice"])
    await next_frame(alice, "snapshot")
    await route()
    await accepted(alice, interaction_id)
    return visitor, alice, interaction_id


async def test_an_agent_cannot_read_a_conversation_they_do_not_hold_by_a_bogus_accept(center):
    visitor, alice, interaction_id = await chatting_with_alice(center, "My card")
    snooper = await agent_socket(center["outsider"])
    await next_frame(snooper, "snapshot")

    bogus = await request(snooper, "accept", interaction_id=interaction_id, offer_id="guessed")
    typing = await request(snooper, "typing", interaction_id=interaction_id)
    await visitor.send_json_to(
        {"type": "message", "text": "The number is 4111 1111", "client_message_id": "v2"}
    )
    await next_frame(visitor, "ack")
    await event(alice, "MessageReceived")
    # A push of its own, after: everything about the chat would have come before it.
    await snooper.send_json_to({"type": "presence", "presence": "available"})
    reply = await request(
        alice, "send", interaction_id=interaction_id, text="Thanks", client_message_id="a1"
    )

    assert about(await frames_until(snooper, "AgentPresenceChanged"), interaction_id) == []
    assert bogus["type"] == "error"
    assert typing["code"] == "forbidden"
    assert reply["type"] == "ack"
    to_visitor = []
    while not to_visitor or to_visitor[-1].get("type") != "message":
        to_visitor.append(await visitor.receive_json_from(timeout=5))
    assert [f for f in to_visitor if f["type"] == "typing"] == []
    for socket in (alice, snooper, visitor):
        await socket.disconnect()


async def test_an_agent_who_may_see_a_chat_but_does_not_hold_it_does_not_type_to_the_customer(
    center,
):
    visitor, alice, interaction_id = await chatting_with_alice(center, "Hello")
    bob = await agent_socket(center["bob"])
    await next_frame(bob, "snapshot")

    opened = await request(bob, "open", interaction_id=interaction_id)
    typing = await request(bob, "typing", interaction_id=interaction_id)
    mine = await request(alice, "typing", interaction_id=interaction_id)

    assert opened["type"] == "ack"
    assert typing["code"] == "forbidden"
    assert mine["type"] == "ack"
    assert (await next_frame(visitor, "typing"))["who"] == "agent"
    for socket in (alice, bob, visitor):
        await socket.disconnect()


async def test_a_frame_about_an_interaction_handed_off_gets_an_error_and_the_socket_lives(center):
    """Issue 14: after a transfer, the console may still send about the chat (a stale tab):
    each such frame is refused with the reason, and the socket carries on."""
    socket = await agent_socket(center["alice"])
    await next_frame(socket, "snapshot")
    interaction_id = await arrive()
    await sync_to_async(router.route_once)()
    offered = await event(socket, "OfferCreated")
    await request(
        socket, "accept", interaction_id=interaction_id, offer_id=offered["data"]["offer_id"]
    )
    moved = await request(
        socket,
        "transfer",
        interaction_id=interaction_id,
        kind="queue",
        queue_id=center["other"].pk,
    )
    assert moved["type"] == "ack"

    for kind, fields in (
        ("send", {"text": "still here?", "client_message_id": "late-1"}),
        ("end", {}),
        ("wrap_up", {"disposition": "resolved"}),
        ("transfer", {"kind": "queue", "queue_id": center["support"].pk}),
    ):
        refused = await request(socket, kind, interaction_id=interaction_id, **fields)
        assert refused["type"] == "error", kind
        assert refused["code"] in ("forbidden", "refused") and refused["reason"], refused

    assert (await request(socket, "sync"))["type"] == "ack"  # the socket lives on
    await socket.disconnect()
