"""Every request type of the three WebSockets, sent by each role against the real consumers
in-process. Alongside each answer the walk reads the channel layer's groups: a request that
is refused must leave its socket subscribed to nothing new (check first, subscribe after)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async as in_thread
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from channels_adapters.webchat import tokens
from contactcenter.actions import Actor
from contactcenter.actions import supervision as supervising
from contactcenter.asgi import application
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from routing import offers, presence
from tests.factories import chat_message
from tests.security.world import HANDED_OFF, HOLDING, PRE_CHAT_EMAIL, QUEUE, World
from tests.sockets import ORIGIN, TIMEOUT, agent_socket, first_frame, request, session_cookie

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
REFUSED = "unauthorized"  # the connect row's outcome for a socket that refuses the person
SILENT = "—"  # a request nothing answers


def subscriptions(channel: str | None = None) -> set[tuple[str, str]]:
    """(group, channel) pairs of the in-memory layer: one socket's, or everyone's."""
    layer = get_channel_layer()
    return {
        (group, member)
        for group, members in layer.groups.items()
        for member in members
        if channel is None or member == channel
    }


@dataclass(frozen=True)
class Row:
    """One request type: the subject it is about, and the fields it is sent with."""

    fields: Callable[[World, str], dict[str, Any]]
    subject: str = "held"  # held, offered, wrap_up, queued, barged, none


def _about(world: World, subject: str) -> dict[str, Any]:
    return {"interaction_id": subject}


AGENT_ROWS = {
    "sync": Row(lambda w, s: {}, subject="none"),
    "colleagues": Row(lambda w, s: {}, subject="none"),
    "presence": Row(lambda w, s: {"presence": "available"}, subject="none"),
    "accept": Row(lambda w, s: {**_about(w, s), "offer_id": w.offer_id(s)}, subject="offered"),
    "reject": Row(lambda w, s: {**_about(w, s), "offer_id": w.offer_id(s)}, subject="offered"),
    "open": Row(_about),
    "close_view": Row(_about),
    "send": Row(lambda w, s: {**_about(w, s), "text": "Hi", "client_message_id": _id()}),
    "note": Row(lambda w, s: {**_about(w, s), "text": "a note"}),
    "typing": Row(_about),
    "transfer": Row(lambda w, s: {**_about(w, s), "kind": "queue", "queue_id": w.billing.pk}),
    "end": Row(_about),
    "wrap_up": Row(lambda w, s: {**_about(w, s), "disposition": "resolved"}, subject="wrap_up"),
    "canned": Row(lambda w, s: {**_about(w, s), "canned_id": w.canned_id}),
    "customer_note": Row(lambda w, s: {"customer_id": w.customer_of(s), "text": "Prefers mail"}),
    # Not a customer the conversation suggests: refused whoever asks (the ack is in
    # tests/webchat/test_returning_visitor.py).
    "merge_customer": Row(lambda w, s: {**_about(w, s), "into_customer_id": "someone-else"}),
}

SUPERVISOR_ROWS = {
    "refresh": Row(lambda w, s: {}, subject="none"),
    "monitor": Row(_about),
    "stop_monitoring": Row(lambda w, s: {}, subject="none"),
    "whisper": Row(lambda w, s: {**_about(w, s), "text": "psst"}),
    "barge": Row(_about),
    "say": Row(lambda w, s: {**_about(w, s), "text": "Hello, I'm the supervisor"}, "barged"),
    "force_presence": Row(
        lambda w, s: {"agent_id": w.people[QUEUE].pk, "presence": "offline"}, subject="none"
    ),
    "assign": Row(lambda w, s: {**_about(w, s), "agent_id": w.people[QUEUE].pk}, "queued"),
}

VISITOR_ROWS = {
    "connect": Row(lambda w, s: {}),
    "hello": Row(lambda w, s: {}),
    "resync": Row(lambda w, s: {}),
    "start": Row(lambda w, s: {"name": "Vera", "email": PRE_CHAT_EMAIL}),
    "message": Row(lambda w, s: {"text": "Still there?", "client_message_id": _id()}),
    "choose": Row(lambda w, s: {"value": "1", "label": "Billing", "client_message_id": _id()}),
    "typing": Row(lambda w, s: {}),
    "rate": Row(lambda w, s: {"rating": 5}, subject="closed"),
    "transcript": Row(lambda w, s: {"email": PRE_CHAT_EMAIL}),
}
VISITOR_ANSWERS = {"welcome", "started", "ack", "rated", "transcript_sent", "error"}


def _id() -> str:
    return uuid.uuid4().hex


@in_thread
def subject_for(world: World, kind: str, column: str, person) -> str:
    """A fresh interaction in the state the row needs; for the agent who handed off, the
    interaction they handed off."""
    if kind == "none":
        return ""
    if column == HANDED_OFF:
        return world.handed_off
    if kind == "offered":
        return world.offer_to_alice()
    if kind == "wrap_up":
        return world.in_wrap_up()
    if kind == "queued":
        return ingest(chat_message(text="Waiting")).interaction_id
    held = world.chat(world.alice)
    if kind == "barged":
        supervising.barge(Actor.of(person, "supervisor"), held)
    elif kind == "closed":
        offers.end_conversation(held, world.alice.pk)
        offers.wrap_up(held, world.alice.pk, disposition="resolved")
    return held


def _followed(person) -> set[str]:
    from django.db.models import Q

    from contactcenter import groups
    from contactcenter.interactions.models import Interaction

    if person is None:
        return set()
    rows = Interaction.objects.filter(Q(agent_id=person.pk) | Q(offer_agent_id=person.pk))
    return {groups.interaction(pk) for pk in rows.values_list("pk", flat=True)}


class StaffSockets:
    """Each person's socket on one path, connected once; who could not connect is None."""

    def __init__(self, path: str):
        self.path = path
        self.sockets: dict[str, WebsocketCommunicator | None] = {}
        self.connected: dict[str, str] = {}
        self.channels: dict[str, str] = {}  # the channel layer's name for each socket

    async def connect(self, world: World) -> None:
        for column, person in world.people.items():
            before = subscriptions()
            socket = await _staff_socket(self.path, person)
            first = await socket.receive_json_from(timeout=TIMEOUT)
            if first.get("type") == "error":
                assert (await socket.receive_output(timeout=TIMEOUT))["code"] == 4403
                assert subscriptions() == before, f"{column} was subscribed, then refused"
                self.connected[column], self.sockets[column] = first["code"], None
            else:
                self.connected[column], self.sockets[column] = "connected", socket
                (self.channels[column],) = {channel for _, channel in subscriptions() - before}

    async def ask(self, world: World, column: str, kind: str, row: Row) -> str:
        socket = self.sockets[column]
        if socket is None:
            return self.connected[column]
        person = world.people[column]
        subject = await subject_for(world, row.subject, column, person)
        fields = await in_thread(row.fields)(world, subject)
        channel = self.channels[column]
        before = subscriptions(channel)
        answer = await request(socket, kind, **fields)
        outcome = "ack" if answer["type"] == "ack" else answer["code"]
        if outcome != "ack":
            # Work the person holds or is offered is theirs to follow: its push (the
            # assignment made to set this question up) may land while the request is out.
            theirs = await in_thread(_followed)(person)
            gained = {(g, c) for g, c in subscriptions(channel) - before if g not in theirs}
            assert not gained, f"{kind} by {column} was refused but subscribed to {gained}"
        await in_thread(_restore_presence)(world, column, person)
        return outcome

    async def close(self) -> None:
        for socket in self.sockets.values():
            if socket is not None:
                await socket.disconnect()


async def _staff_socket(path: str, person) -> WebsocketCommunicator:
    if path == "/ws/agent/":
        return await agent_socket(person)
    headers = [ORIGIN]
    if person is not None:
        headers.append((b"cookie", await in_thread(session_cookie)(person)))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    return socket


def _restore_presence(world: World, column: str, person) -> None:
    """The presence row makes everyone available; only Alice takes work in this world."""
    if person is not None and column != HOLDING and hasattr(person, "agent"):
        presence.set_presence(person.pk, "offline", changed_by="agent")


async def visitor_cell(world: World, column: str, kind: str, row: Row) -> str:
    """One /ws/webchat/ request by `column`: the conversation's own visitor, another visitor,
    or a socket with no or a forged token. The subject conversation must not change unless
    its own visitor asked."""
    subject = await subject_for(world, row.subject, "", None)
    token = {
        "visitor": tokens.issue("demo", world.visitors[subject])[0],
        "another visitor": tokens.issue("demo", str(uuid.uuid4()))[0],
        "bad token": tokens.issue("demo")[0][:-4] + "AAAA",
        "no token": "",
    }[column]
    before_stream = await in_thread(_version)(subject)
    before = subscriptions()
    socket = WebsocketCommunicator(application, f"/ws/webchat/?token={token}", headers=[ORIGIN])
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    first = await socket.receive_json_from(timeout=TIMEOUT)
    if first["type"] == "error":
        assert subscriptions() == before, f"{column}: subscribed, then refused"
        return first["code"]
    if kind == "connect":
        await socket.disconnect()
        return first["type"]
    fields = await in_thread(row.fields)(world, subject)
    await socket.send_json_to({"type": kind, **fields})
    if kind == "typing":
        await socket.send_json_to({"type": "hello"})  # the next answer, if typing has none
    answer = await _answer(socket)
    await socket.disconnect()
    if column != "visitor":
        assert await in_thread(_version)(subject) == before_stream, f"{column} changed it"
    if kind == "typing" and answer == "welcome":
        return SILENT
    return answer


async def _answer(socket: WebsocketCommunicator) -> str:
    frame = await first_frame(socket, lambda frame: frame["type"] in VISITOR_ANSWERS)
    return frame["code"] if frame["type"] == "error" else frame["type"]


def _version(interaction_id: str) -> int:
    from contactcenter.events import store

    return store.stream_version(stream_id(interaction_id))
