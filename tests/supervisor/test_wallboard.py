"""The wallboard over `/ws/supervisor/`, monitoring actions, and alerts."""

import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as in_thread
from django.contrib.auth.models import User

from channels_adapters.webchat.models import WebChatChannel
from contactcenter import clock
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from contactcenter.supervisor import alerts, wallboard
from contactcenter.supervisor.models import StandingAlert
from routing import config, offers, router
from routing.models import AgentState
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.sockets import first_frame, next_frame, request, supervisor_socket, visitor_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center():
    support = a_queue(name="Support", entry="webchat:*", sl_threshold_seconds=20)
    WebChatChannel.objects.create(key="demo", name="Demo")
    return {
        "support": support,
        "alice": an_agent(support, username="alice"),
        "boss": an_agent(support, username="boss", supervisor=True, available=False),
    }


async def board_where(socket, predicate):
    return await first_frame(
        socket, lambda frame: frame.get("type") == "board" and predicate(frame)
    )


def support(board):
    return next(q for q in board["queues"] if q["name"] == "Support")


def test_agents_cannot_reach_the_supervisor_pages(client, center):
    client.force_login(center["alice"])
    assert client.get("/supervisor/").status_code == 403
    assert client.get("/supervisor/reports/queue/").status_code == 403
    client.force_login(center["boss"])
    page = client.get("/supervisor/")
    assert page.status_code == 200 and "Wallboard" in page.text


async def test_only_supervisors_get_the_wallboard_socket(center):
    socket = await supervisor_socket(center["alice"])
    assert (await socket.receive_json_from(timeout=5))["code"] == "unauthorized"


async def test_the_wallboard_is_pushed_when_work_arrives_and_is_offered(center):
    socket = await supervisor_socket(center["boss"])
    first = await board_where(socket, lambda b: True)
    assert support(first)["waiting"] == 0
    assert support(first)["agents"]["available"] == 1

    interaction_id = (await in_thread(ingest)(chat_message())).interaction_id
    board = await board_where(socket, lambda b: support(b)["waiting"] == 1)
    assert board["waiting"][0]["id"] == interaction_id

    await in_thread(router.route_once)()
    row = await in_thread(Interaction.objects.get)(pk=interaction_id)
    await in_thread(offers.accept_offer)(interaction_id, row.offer_id, row.offer_agent_id)
    board = await board_where(
        socket, lambda b: support(b)["waiting"] == 0 and support(b)["agents"]["busy"] == 1
    )
    alice = next(a for a in board["agents"] if a["name"] == "alice")
    assert alice["state"] == "busy" and alice["work"][0]["interaction_id"] == interaction_id
    await socket.disconnect()


async def test_a_burst_of_events_is_coalesced(center):
    socket = await supervisor_socket(center["boss"])
    await board_where(socket, lambda b: True)

    for _ in range(20):
        await in_thread(ingest)(chat_message())
    await board_where(socket, lambda b: support(b)["waiting"] == 20)
    boards = 1
    while not await socket.receive_nothing(timeout=2):
        frame = await socket.receive_json_from()
        boards += frame.get("type") == "board"
    assert boards <= 4  # twenty events, a handful of boards
    await socket.disconnect()


async def test_a_supervisor_monitors_whispers_barges_and_the_log_says_who(center):
    visitor = await visitor_socket(visitor_id=str(uuid.uuid4()))
    await next_frame(visitor, "welcome")
    await visitor.send_json_to({"type": "message", "text": "help", "client_message_id": "v1"})
    interaction_id = (await next_frame(visitor, "ack"))["interaction_id"]
    await in_thread(router.route_once)()
    row = await in_thread(Interaction.objects.get)(pk=interaction_id)
    await in_thread(offers.accept_offer)(interaction_id, row.offer_id, row.offer_agent_id)

    socket = await supervisor_socket(center["boss"])
    answer = await request(socket, "monitor", interaction_id=interaction_id)
    assert answer["interaction"]["messages"][0]["text"] == "help"
    assert (
        await request(socket, "whisper", interaction_id=interaction_id, text="offer the refund")
    )["type"] == "ack"
    refused = await request(socket, "say", interaction_id=interaction_id, text="hi")
    assert "join the conversation first" in refused["reason"]
    await request(socket, "barge", interaction_id=interaction_id)
    await request(socket, "say", interaction_id=interaction_id, text="I'm the supervisor")

    frames = []
    while not await visitor.receive_nothing(timeout=1):
        frames.append(await visitor.receive_json_from())
    said = [f["message"]["text"] for f in frames if f["type"] == "message"]
    assert "I'm the supervisor" in said and "offer the refund" not in str(frames)

    events = await in_thread(store.read_stream)(stream_id(interaction_id))
    by_boss = {e.type for e in events if e.actor == f"supervisor:{center['boss'].pk}"}
    assert {
        "InteractionMonitored",
        "InternalNoteAdded",
        "SupervisorBarged",
        "MessageSent",
    } <= by_boss
    await socket.disconnect()
    await visitor.disconnect()


async def test_a_supervisor_forces_presence_and_assigns_by_hand(center):
    socket = await supervisor_socket(center["boss"])
    alice = center["alice"]
    await request(socket, "force_presence", agent_id=alice.pk, presence="away", reason="break")
    state = await in_thread(AgentState.objects.get)(pk=alice.pk)
    assert (state.presence, state.away_reason) == ("away", "break")

    interaction_id = (await in_thread(ingest)(chat_message())).interaction_id
    assert (await request(socket, "assign", interaction_id=interaction_id, agent_id=alice.pk))[
        "type"
    ] == "ack"
    row = await in_thread(Interaction.objects.get)(pk=interaction_id)
    assert (row.state, row.agent_id) == ("active", alice.pk)
    events = await in_thread(store.read_stream)(stream_id(interaction_id))
    assert events[-1].type == "InteractionAssigned"
    assert events[-1].actor == f"supervisor:{center['boss'].pk}"
    await socket.disconnect()


def test_a_queue_made_a_moment_ago_by_another_process_is_on_the_board(center, monkeypatch):
    before = config.current()
    a_queue(name="Billing")  # saved here; the snapshot below is another process's, older
    monkeypatch.setattr(config, "_snapshot", before)
    monkeypatch.setattr(config, "_checked_at", config.time.monotonic() - 0.5)
    assert "Billing" in [q["name"] for q in wallboard.board(opening=True)["queues"]]


def test_alerts_are_raised_once_and_cleared_when_the_condition_ends(center):
    interaction_id = ingest(chat_message()).interaction_id
    with clock.travel(timedelta(seconds=30)):
        assert alerts.check() == 1
        assert alerts.check() == 0  # once, however often we look
    (alert,) = StandingAlert.objects.all()
    assert alert.kind == "waiting_past_sl" and "past the 20 s threshold" in alert.message

    offers.abandon(interaction_id)
    assert alerts.check() == 1
    assert not StandingAlert.objects.exists()
    history = [e.type for e in store.read_stream(f"alert-{alert.key}")]
    assert history == ["AlertRaised", "AlertCleared"]


def test_an_agent_away_past_the_limit_is_alerted(center):
    from routing import presence
    from routing.models import AwayReason

    AwayReason.objects.filter(code="break").update(limit_minutes=15)
    presence.set_presence(center["alice"].pk, "away", "break")
    with clock.travel(timedelta(minutes=16)):
        alerts.check()
    (alert,) = StandingAlert.objects.all()
    assert alert.kind == "away_too_long" and "alice" in alert.message


@pytest.mark.parametrize(
    ("sl", "volume", "colour"),
    [
        (0.85, 10, "green"),
        (0.77, 10, "amber"),
        (0.60, 10, "red"),
        (0.10, 2, "neutral"),
        (None, 0, "neutral"),
    ],
)
def test_colours_follow_the_queues_target(sl, volume, colour):
    assert wallboard.colour(sl, 80, volume) == colour


def test_nobody_but_supervisors_can_use_the_monitoring_actions(center):
    from contactcenter.actions import Actor, supervision
    from contactcenter.interactions.domain import DomainError

    interaction_id = ingest(chat_message()).interaction_id
    with pytest.raises(DomainError, match="only supervisors"):
        supervision.whisper(Actor.of(center["alice"], "supervisor"), interaction_id, "psst")
    assert User.objects.count() == 2


async def test_the_console_shows_alerts_of_the_agents_queues_as_they_come(center):
    from tests.sockets import agent_socket, event

    interaction_id = await in_thread(lambda: ingest(chat_message()).interaction_id)()
    socket = await agent_socket(center["alice"])
    snapshot = await next_frame(socket, "snapshot")
    assert snapshot["alerts"] == [] and snapshot["me"]["queues"] == [center["support"].pk]

    def later():
        with clock.travel(timedelta(seconds=30)):
            alerts.check()

    await in_thread(later)()
    raised = await event(socket, "AlertRaised")
    assert raised["data"]["subject"] == interaction_id
    assert raised["data"]["detail"]["queue_id"] == center["support"].pk
    await socket.disconnect()
