"""A widget visitor's conversation over `/ws/webchat/`, against the real ASGI application."""

import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.layers import get_channel_layer
from django.core import mail

from channels_adapters.webchat import consumers, tokens
from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from contactcenter import clock, groups
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from routing import offers, router
from routing.models import Timer
from tests.routing.builders import a_queue, an_agent
from tests.sockets import next_frame, visitor_socket, widget_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center():
    support = a_queue(name="Support", entry="webchat:*")
    billing = a_queue(name="Billing", entry=None)
    chat = WebChatChannel.objects.create(key="demo", name="Demo", messages_per_minute=5)
    WebChatTopic.objects.create(channel=chat, label="Billing", queue=billing)
    agent = an_agent(support, billing)
    return {"support": support, "billing": billing, "agent": agent, "chat": chat}


def cid() -> str:
    return uuid.uuid4().hex


async def say(socket, text: str, client_message_id: str | None = None) -> dict:
    client_message_id = client_message_id or cid()
    await socket.send_json_to(
        {"type": "message", "text": text, "client_message_id": client_message_id}
    )
    return await next_frame(socket, "ack", client_message_id=client_message_id)


@sync_to_async
def route_and_accept() -> tuple[str, int]:
    router.route_once()
    row = Interaction.objects.get(state="offered")
    offers.accept_offer(row.id, row.offer_id, row.offer_agent_id)
    return row.id, row.offer_agent_id


async def test_a_visitor_chats_with_an_agent_end_to_end(center):
    socket = await visitor_socket()
    welcome = await next_frame(socket, "welcome")
    assert welcome["conversation"] is None and welcome["channel"]["topics"][0]["label"] == "Billing"

    await socket.send_json_to(
        {
            "type": "start",
            "name": "Vera",
            "email": "vera@example.org",
            "topic": str(welcome["channel"]["topics"][0]["id"]),
        }
    )
    ack = await say(socket, "My invoice is wrong")
    interaction_id, agent_id = await route_and_accept()
    assert interaction_id == ack["interaction_id"]
    joined = await next_frame(socket, "agent_joined")
    assert joined["agent"]["name"]

    await sync_to_async(_reply)(interaction_id, agent_id, "Let me fix that")
    reply = await next_frame(socket, "message")
    while reply["message"]["author"] == "customer":
        reply = await next_frame(socket, "message")
    assert (reply["message"]["author"], reply["message"]["text"]) == ("agent", "Let me fix that")

    row = await sync_to_async(Interaction.objects.get)(pk=interaction_id)
    assert row.queue_id == center["billing"].pk  # the topic chose the queue
    await socket.disconnect()


def _reply(interaction_id: str, agent_id: int, text: str) -> None:
    from contactcenter.interactions.commands import send_message

    send_message(interaction_id, author=f"agent:{agent_id}", author_name="Alice", text=text)


async def test_a_resent_message_is_stored_once(center):
    socket = await visitor_socket()
    await next_frame(socket, "welcome")
    first = await say(socket, "hello", "fixed-id")
    again = await say(socket, "hello", "fixed-id")

    later = await say(socket, "still there?", "later-id")
    later_again = await say(socket, "still there?", "later-id")

    assert again["duplicate"] and again["interaction_id"] == first["interaction_id"]
    assert again["message_id"] == first["message_id"] != ""  # the real one, though it started
    assert later_again["message_id"] == later["message_id"]  # the conversation
    events = await sync_to_async(store.read_stream)(stream_id(first["interaction_id"]))
    assert [e.type for e in events].count("MessageReceived") == 2
    await socket.disconnect()


async def test_a_tampered_or_expired_token_is_refused(center, monkeypatch):
    token, _ = tokens.issue("demo")
    socket = await visitor_socket(token[:-3] + "xyz")
    frame = await next_frame(socket, "error")
    assert frame["code"] == "unauthorized"
    assert (await socket.receive_output(timeout=5))["code"] == 4401

    monkeypatch.setattr(tokens, "MAX_AGE_SECONDS", -1)
    socket = await visitor_socket(token)
    assert (await next_frame(socket, "error"))["reason"] == "the visitor token has expired"


async def test_a_token_for_a_channel_deleted_since_is_refused_and_hears_nothing(center):
    token, _ = tokens.issue("demo")
    await sync_to_async(WebChatChannel.objects.filter(key="demo").delete)()
    socket = await visitor_socket(token)
    await refused(socket, "the web chat channel no longer exists")
    group = groups.visitor("demo", tokens.verify(token).visitor_id)
    assert not subscribed(group)
    assert group not in consumers._open_sockets


async def test_the_widgets_socket_makes_a_new_visitor_and_hands_over_their_token(center):
    first = await widget_socket()
    welcome = await next_frame(first, "welcome")
    assert welcome["conversation"] is None
    assert tokens.verify(welcome["token"]) == tokens.Visitor("demo", welcome["visitor_id"])
    ack = await say(first, "Is my parcel on its way?")
    await first.disconnect()

    # The next visit carries the token kept: the same visitor, their conversation, and a
    # renewed token, good for another MAX_AGE_SECONDS.
    again = await widget_socket(token=welcome["token"])
    back = await next_frame(again, "welcome")
    assert back["visitor_id"] == welcome["visitor_id"]
    assert back["conversation"]["interaction_id"] == ack["interaction_id"]
    assert [m["text"] for m in back["conversation"]["messages"]] == ["Is my parcel on its way?"]
    assert tokens.verify(back["token"]).visitor_id == welcome["visitor_id"]
    await again.disconnect()


async def test_a_new_visitors_name_given_in_another_tab_goes_with_their_messages(center):
    first_tab = await widget_socket()
    welcome = await next_frame(first_tab, "welcome")
    second_tab = await widget_socket(token=welcome["token"])
    await next_frame(second_tab, "welcome")
    await second_tab.send_json_to({"type": "start", "name": "Vera", "email": ""})
    await next_frame(second_tab, "started")
    ack = await say(second_tab, "Hello from the second tab")
    await next_frame(first_tab, "message")  # the conversation, begun elsewhere

    await say(first_tab, "And from the first")
    events = await sync_to_async(store.read_stream)(stream_id(ack["interaction_id"]))
    names = [e.data["sender_name"] for e in events if e.type == "MessageReceived"]
    assert names == ["Vera", "Vera"]
    for socket in (first_tab, second_tab):
        await socket.disconnect()


async def test_a_bad_or_foreign_token_on_the_widgets_socket_starts_a_new_visitor(center):
    await sync_to_async(WebChatChannel.objects.create)(key="other", name="Other")
    token, visitor = tokens.issue("demo")
    foreign, _ = tokens.issue("other", visitor.visitor_id)
    for kept in (token[:-3] + "xyz", foreign):
        socket = await widget_socket(token=kept)
        welcome = await next_frame(socket, "welcome")
        assert welcome["visitor_id"] != visitor.visitor_id and welcome["conversation"] is None
        assert tokens.verify(welcome["token"]).channel_key == "demo"
        await socket.disconnect()


async def test_the_widgets_socket_for_an_unknown_channel_is_refused_and_hears_nothing(center):
    open_before = dict(consumers._open_sockets)
    socket = await widget_socket("nowhere")
    await refused(socket, "no web chat channel 'nowhere'")
    assert consumers._open_sockets == open_before  # subscribed for a moment, and let go


async def refused(socket, reason: str) -> None:
    """The socket says why, as an `unauthorized` error frame, and closes with 4401."""
    frame = await next_frame(socket, "error")
    assert frame == {"type": "error", "code": "unauthorized", "reason": reason}
    assert (await socket.receive_output(timeout=5))["code"] == 4401


def subscribed(group: str) -> bool:
    layer = get_channel_layer()
    if hasattr(layer, "_get_layer"):  # channels_redis's pub/sub layer names groups its way
        loop_layer = layer._get_layer()
        return bool(loop_layer.groups.get(loop_layer._get_group_channel_name(group)))
    return bool(layer.groups.get(group))


async def test_a_visitor_never_sees_another_visitors_conversation(center):
    alice, bob = await visitor_socket(), await visitor_socket()
    await next_frame(alice, "welcome")
    await next_frame(bob, "welcome")
    await say(alice, "Alice's secret")
    await say(bob, "Bob's question")

    reload_of_bob = await visitor_socket(token=None, visitor_id=None)
    assert (await next_frame(reload_of_bob, "welcome"))["conversation"] is None
    bob_frames = []
    while not await bob.receive_nothing(timeout=0.3):
        bob_frames.append(await bob.receive_json_from())
    assert all("Alice's secret" not in str(f) for f in bob_frames)
    for socket in (alice, bob, reload_of_bob):
        await socket.disconnect()


async def test_a_reload_resumes_the_conversation(center):
    visitor_id = str(uuid.uuid4())
    socket = await visitor_socket(visitor_id=visitor_id)
    await next_frame(socket, "welcome")
    await say(socket, "first")
    await say(socket, "second")
    await socket.disconnect()

    again = await visitor_socket(visitor_id=visitor_id)
    welcome = await next_frame(again, "welcome")
    assert [m["text"] for m in welcome["conversation"]["messages"]] == ["first", "second"]
    assert welcome["conversation"]["state"] == "queued"
    await again.disconnect()


async def test_another_visitor_reusing_a_client_message_id_is_not_taken_for_a_resend(center):
    alice, mallory = await visitor_socket(), await visitor_socket()
    for socket in (alice, mallory):
        await next_frame(socket, "welcome")
    hers = await say(alice, "my card number is ...", "same-id")
    his = await say(mallory, "hello", "same-id")

    assert not his["duplicate"] and his["interaction_id"] != hers["interaction_id"]
    events = await sync_to_async(store.read_stream)(stream_id(his["interaction_id"]))
    assert [e.data["text"] for e in events if e.type == "MessageReceived"] == ["hello"]
    for socket in (alice, mallory):
        await socket.disconnect()


async def test_messages_beyond_the_rate_limit_get_a_clear_error(center):
    socket = await visitor_socket()
    await next_frame(socket, "welcome")
    for n in range(5):
        await say(socket, f"message {n}")
    await socket.send_json_to(
        {"type": "message", "text": "one too many", "client_message_id": cid()}
    )
    error = await next_frame(socket, "error")
    assert error["code"] == "rate_limited" and error["retry_after"] > 0
    await socket.disconnect()


async def test_visitors_behind_one_address_share_its_rate_limit(center, settings):
    from channels_adapters.webchat import consumers

    settings.WEBCHAT_MESSAGES_PER_IP_PER_MINUTE = 3
    consumers._per_ip.clear()
    first, second = await visitor_socket(), await visitor_socket()
    for socket in (first, second):
        await next_frame(socket, "welcome")
    await say(first, "one")
    await say(first, "two")
    await say(second, "three")
    await second.send_json_to({"type": "message", "text": "four", "client_message_id": cid()})
    error = await next_frame(second, "error")
    assert error["code"] == "rate_limited" and error["retry_after"] > 0
    for socket in (first, second):
        await socket.disconnect()
    consumers._per_ip.clear()


async def test_a_visitor_who_leaves_while_waiting_is_abandoned_after_the_grace(center):
    visitor_id = str(uuid.uuid4())
    socket = await visitor_socket(visitor_id=visitor_id)
    await next_frame(socket, "welcome")
    ack = await say(socket, "anyone there?")
    await socket.disconnect()

    timer = await sync_to_async(Timer.objects.get)(kind="abandon")
    assert timer.interaction_id == ack["interaction_id"]

    def later():
        with clock.travel(timedelta(seconds=center["chat"].grace_seconds + 1)):
            router.route_once()
        return Interaction.objects.get(pk=ack["interaction_id"]).state

    assert await sync_to_async(later)() == "abandoned"


async def test_coming_back_in_time_cancels_the_abandonment(center):
    visitor_id = str(uuid.uuid4())
    socket = await visitor_socket(visitor_id=visitor_id)
    await next_frame(socket, "welcome")
    await say(socket, "brb")
    await socket.disconnect()
    socket = await visitor_socket(visitor_id=visitor_id)
    await next_frame(socket, "welcome")

    assert not await sync_to_async(Timer.objects.filter(kind="abandon").exists)()
    await socket.disconnect()


async def test_when_the_chat_ends_the_visitor_rates_it_and_can_have_the_transcript(center):
    socket = await visitor_socket()
    await next_frame(socket, "welcome")
    await socket.send_json_to({"type": "start", "name": "Vera", "email": "vera@example.org"})
    await say(socket, "help")
    interaction_id, agent_id = await route_and_accept()
    await sync_to_async(offers.end_conversation)(interaction_id, agent_id)
    closed = await next_frame(socket, "closed")
    assert closed["can_rate"]

    await socket.send_json_to({"type": "rate", "rating": 5, "comment": "quick and kind"})
    await next_frame(socket, "rated")
    await socket.send_json_to({"type": "rate", "rating": 1})
    assert "rated already" in (await next_frame(socket, "error"))["reason"]
    await socket.send_json_to({"type": "transcript", "email": "vera@example.org"})
    assert (await next_frame(socket, "transcript_sent"))["to"] == "vera@example.org"

    row = await sync_to_async(Interaction.objects.get)(pk=interaction_id)
    assert (row.csat_rating, row.csat_comment) == (5, "quick and kind")
    assert "help" in mail.outbox[-1].body
    await socket.disconnect()


async def test_pushes_carry_consecutive_versions_even_for_hidden_events(center):
    socket = await visitor_socket()
    await next_frame(socket, "welcome")
    ack = await say(socket, "hello")
    await route_and_accept()
    versions = []
    while not await socket.receive_nothing(timeout=0.5):
        frame = await socket.receive_json_from()
        if frame.get("interaction_id") == ack["interaction_id"] and "version" in frame:
            versions.append(frame["version"])
    assert versions == list(range(versions[0], versions[0] + len(versions)))
    await socket.disconnect()


async def test_unknown_or_malformed_frames_get_an_error_not_a_crash(center):
    socket = await visitor_socket()
    await next_frame(socket, "welcome")
    await socket.send_json_to({"type": "__class__"})
    assert (await next_frame(socket, "error"))["code"] == "unknown_type"
    await socket.send_json_to({"type": "rate", "rating": "five"})
    assert (await next_frame(socket, "error"))["code"] in ("bad_frame", "refused")
    await socket.send_json_to({"type": "message", "text": "no id"})
    assert (await next_frame(socket, "error"))["code"] == "bad_frame"
    await socket.disconnect()
