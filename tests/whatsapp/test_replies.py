"""Agents' replies go out through the Graph API (a local fake); delivery and read statuses come
back on the webhook; outside the 24-hour window only an approved template goes out, and the
console says so."""

from datetime import timedelta

import pytest
from django.db import connection

from contactcenter import clock, outbox
from contactcenter.console import state
from contactcenter.events import store
from contactcenter.events.models import ProjectionCheckpoint
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Delivery, Interaction, TranscriptEntry
from routing import offers, router
from tests.settle import outbox_round
from tests.whatsapp.payloads import RE_ENGAGEMENT, envelope, post, status, text

pytestmark = pytest.mark.django_db(transaction=True)


def a_conversation(client, agent) -> Interaction:
    post(client, envelope(messages=[text("My order is late")]))
    router.route_once()
    interaction = Interaction.objects.get()
    offers.accept_offer(interaction.id, interaction.offer_id, agent.pk)
    return interaction


def reply(interaction, agent, words: str) -> str:
    return interactions.send_message(
        interaction.id, author=f"agent:{agent.pk}", author_name="Alice", text=words
    )


def deliver() -> None:
    outbox_round()
    # Every reply is now sent, refused or waiting for its retry with the reason. Once (a rerun
    # in CI) a reply was none of these and nothing said why: this says what the outbox saw.
    replies = store.read_all(0, types=["MessageSent"], horizon=False)
    untouched = Delivery.objects.filter(status=Delivery.Status.PENDING, last_error="")
    assert len(replies) == Delivery.objects.count() and not untouched.exists(), outbox_seen()


def outbox_seen() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_xid::text, left(query, 120) "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        sessions = cursor.fetchall()
    events = [(e.position, e.type) for e in store.read_all(0, horizon=False)]
    checkpoint = ProjectionCheckpoint.objects.filter(name=outbox.CHECKPOINT).values()
    return (
        f"events {events}; deliveries {list(Delivery.objects.values())}; checkpoint "
        f"{list(checkpoint)}; readable up to {store.last_position()}; other sessions {sessions}"
        f"; the clock says {clock.now()}"
    )


def test_a_reply_goes_out_as_a_text_and_its_statuses_come_back_in_order(
    client, number, alice, graph
):
    interaction = a_conversation(client, alice)
    message_id = reply(interaction, alice, "It ships tomorrow")
    deliver()

    (sent,) = graph.sent()
    assert sent["to"] == "16505551234"
    assert sent["type"] == "text" and sent["text"]["body"] == "It ships tomorrow"
    assert graph.calls[-1].path == "/v21.0/106540352242922/messages"
    entry = TranscriptEntry.objects.get(pk=message_id)
    assert entry.delivery_status == "sent" and entry.external_id.startswith("wamid.")

    wamid = entry.external_id
    post(client, envelope(statuses=[status(wamid, "delivered")]))
    post(client, envelope(statuses=[status(wamid, "read")]))
    events = store.count()
    post(client, envelope(statuses=[status(wamid, "read")]))  # redelivered
    post(client, envelope(statuses=[status(wamid, "delivered")]))  # late

    assert store.count() == events
    assert TranscriptEntry.objects.get(pk=message_id).delivery_status == "read"


def test_a_failed_status_is_recorded_with_metas_reason(client, number, alice, graph):
    interaction = a_conversation(client, alice)
    message_id = reply(interaction, alice, "Hello?")
    deliver()
    wamid = TranscriptEntry.objects.get(pk=message_id).external_id

    post(client, envelope(statuses=[status(wamid, "failed", error=RE_ENGAGEMENT)]))

    entry = TranscriptEntry.objects.get(pk=message_id)
    assert entry.delivery_status == "failed"
    assert "131047" in entry.delivery_detail and "Re-engagement" in entry.delivery_detail


def test_outside_the_window_free_text_is_refused_and_the_console_offers_the_templates(
    client, number, alice, graph
):
    interaction = a_conversation(client, alice)
    assert state.interaction_view(interaction.id, alice)["extras"] is None

    with clock.travel(timedelta(hours=25)):
        extras = state.interaction_view(interaction.id, alice)["extras"]
        refused = reply(interaction, alice, "Any news?")
        template = reply(interaction, alice, "Hello again! Reply to continue.")
        deliver()

    assert extras["blocks_reply"] is True
    assert "24-hour" in extras["banner"]
    assert extras["templates"] == [
        {"name": "follow_up", "label": "follow_up", "text": "Hello again! Reply to continue."}
    ]
    failed = TranscriptEntry.objects.get(pk=refused)
    assert failed.delivery_status == "failed" and "24-hour" in failed.delivery_detail
    (sent,) = graph.sent()
    assert sent["type"] == "template"
    assert sent["template"] == {"name": "follow_up", "language": {"code": "en_US"}}
    assert TranscriptEntry.objects.get(pk=template).delivery_status == "sent"


def test_a_graph_outage_is_retried_and_a_refusal_is_final(client, number, alice, graph):
    interaction = a_conversation(client, alice)
    retried = reply(interaction, alice, "One moment")
    graph.answer_next(503, {"error": {"message": "Service temporarily unavailable", "code": 2}})
    deliver()
    assert TranscriptEntry.objects.get(pk=retried).delivery_status == "pending"

    with clock.travel(timedelta(minutes=10)):
        deliver()
    assert TranscriptEntry.objects.get(pk=retried).delivery_status == "sent"

    refused = reply(interaction, alice, "Still there?")
    graph.answer_next(
        400, {"error": {"message": "(#131030) Recipient not in allowed list", "code": 131030}}
    )
    with clock.travel(timedelta(minutes=20)):
        deliver()
    entry = TranscriptEntry.objects.get(pk=refused)
    assert entry.delivery_status == "failed" and "131030" in entry.delivery_detail
