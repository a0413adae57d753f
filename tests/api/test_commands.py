"""The workflow driven through the API: accept, reply, transfer, end, wrap up, close, presence,
and starting a conversation ourselves; refusals come back as 400/409 with the rule's words."""

import pytest

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from routing import router
from routing.models import AgentState
from tests.api.conftest import chat_on, offered_to_and_accepted

pytestmark = pytest.mark.django_db


def types(interaction_id: str) -> list[str]:
    return [e.type for e in store.read_stream(stream_id(interaction_id))]


def test_an_agent_accepts_replies_ends_and_wraps_up(as_alice, alice):
    chat = chat_on("support-site")
    router.route_once()
    offer_id = Interaction.objects.get(pk=chat).offer_id

    accepted = as_alice.post(f"/api/v1/interactions/{chat}/accept/", {"offer_id": offer_id})
    replied = as_alice.post(
        f"/api/v1/interactions/{chat}/messages/",
        {"text": "Hi, I am Alice", "client_message_id": "m1"},
    )
    again = as_alice.post(
        f"/api/v1/interactions/{chat}/messages/",
        {"text": "Hi, I am Alice", "client_message_id": "m1"},
    )
    ended = as_alice.post(f"/api/v1/interactions/{chat}/end/")
    wrapped = as_alice.post(
        f"/api/v1/interactions/{chat}/wrap-up/",
        {"disposition": "resolved", "notes": "password reset", "follow_up_on": "2026-12-01"},
        format="json",
    )

    assert accepted.json()["state"] == "active"
    assert replied.status_code == 201 and again.json() == replied.json()
    assert ended.json()["state"] == "wrap_up"
    assert wrapped.status_code == 200
    assert (wrapped.json()["state"], wrapped.json()["disposition"]) == ("closed", "resolved")
    assert types(chat).count("MessageSent") == 1


def test_a_wrong_disposition_is_a_400_that_names_the_allowed_ones(as_alice, alice):
    chat = chat_on("support-site")
    offered_to_and_accepted(chat, alice)
    as_alice.post(f"/api/v1/interactions/{chat}/end/")

    answer = as_alice.post(f"/api/v1/interactions/{chat}/wrap-up/", {"disposition": "sale"})

    assert answer.status_code == 400
    assert answer.json() == {
        "code": "refused",
        "detail": "'sale' is not a disposition of queue Support; use one of follow-up, resolved",
    }


def test_a_command_in_the_wrong_state_is_a_409_with_the_reason(as_alice, alice):
    chat = chat_on("support-site")
    offered_to_and_accepted(chat, alice)

    wrap_too_early = as_alice.post(
        f"/api/v1/interactions/{chat}/wrap-up/", {"disposition": "resolved"}
    )
    closed = as_alice.post(f"/api/v1/interactions/{chat}/close/", {"reason": "spam"})
    closed_again = as_alice.post(f"/api/v1/interactions/{chat}/close/")

    assert wrap_too_early.status_code == 409
    assert wrap_too_early.json()["detail"] == "cannot wrap up: the interaction is active"
    assert (closed.status_code, closed.json()["close_reason"]) == (200, "spam")
    assert closed_again.status_code == 409
    assert closed_again.json()["detail"] == "cannot close: the interaction is closed"


def test_a_transfer_to_another_queue_puts_it_back_in_line_there(as_alice, alice, billing):
    chat = chat_on("support-site")
    offered_to_and_accepted(chat, alice)

    bad = as_alice.post(f"/api/v1/interactions/{chat}/transfer/", {"kind": "sideways"})
    answer = as_alice.post(
        f"/api/v1/interactions/{chat}/transfer/",
        {"kind": "queue", "to_queue": billing.pk, "note": "refund question"},
    )

    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert "kind" in bad.json()["errors"]
    assert answer.status_code == 200
    assert (answer.json()["state"], answer.json()["queue_id"]) == ("queued", billing.pk)
    assert types(chat)[-2:] == ["InteractionTransferred", "InteractionQueued"]


def test_rejecting_an_offer_and_answering_an_offer_that_is_not_yours(as_alice, as_bob, alice, bob):
    chat = chat_on("support-site")
    router.route_once()

    not_yours = as_bob.post(f"/api/v1/interactions/{chat}/accept/")
    rejected = as_alice.post(f"/api/v1/interactions/{chat}/reject/", {"reason": "on a call"})
    nothing_offered = as_alice.post(f"/api/v1/interactions/{chat}/accept/")

    assert not_yours.status_code == 404  # bob's queues do not include Support
    assert (rejected.status_code, rejected.json()["state"]) == (200, "queued")
    assert nothing_offered.status_code == 409


def test_presence_is_set_by_the_agent_or_by_a_supervisor_never_by_a_peer(
    as_alice, as_sam, as_bob, alice, sam, bob
):
    away = as_alice.post(
        f"/api/v1/agents/{alice.pk}/presence/", {"presence": "away", "reason": "break"}
    )
    no_reason = as_alice.post(f"/api/v1/agents/{alice.pk}/presence/", {"presence": "away"})
    by_peer = as_bob.post(f"/api/v1/agents/{alice.pk}/presence/", {"presence": "offline"})
    by_supervisor = as_sam.post(f"/api/v1/agents/{alice.pk}/presence/", {"presence": "offline"})

    assert (away.status_code, away.json()["presence"], away.json()["away_reason"]) == (
        200,
        "away",
        "break",
    )
    assert (no_reason.status_code, no_reason.json()["detail"]) == (400, "going away needs a reason")
    assert by_peer.status_code == 403
    assert by_supervisor.json()["presence"] == "offline"
    last = store.read_stream(f"agent-{alice.pk}")[-1]
    assert (last.data["changed_by"], last.metadata["actor"]) == (
        f"supervisor:{sam.pk}",
        f"supervisor:{sam.pk}",
    )


def test_an_agent_starts_an_outbound_email_to_a_new_customer(as_alice, alice, support):
    answer = as_alice.post(
        "/api/v1/interactions/",
        {
            "channel": "email",
            "channel_key": "support@example.com",
            "identity": {"kind": "email", "address": "Dora@Example.org", "name": "Dora"},
            "queue_id": support.pk,
            "subject": "Your refund",
            "text": "Your refund was sent today.",
        },
        format="json",
    )

    assert answer.status_code == 201
    created = answer.json()
    assert (created["direction"], created["state"], created["agent_id"]) == (
        "outbound",
        "active",
        alice.pk,
    )
    assert types(created["id"]) == ["InteractionCreated", "InteractionAssigned", "MessageSent"]
    assert AgentState.objects.get(pk=alice.pk).load()["email"] == 1
    again = as_alice.post(
        "/api/v1/interactions/",
        {"channel": "sms", "channel_key": "+15005550006", "customer_id": created["customer_id"]},
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["detail"] == "the customer has no phone identity to reach on sms"


def test_an_outbound_request_needs_exactly_one_way_to_name_the_customer(as_alice, alice):
    neither = as_alice.post(
        "/api/v1/interactions/", {"channel": "email", "channel_key": "support@example.com"}
    )
    unknown = as_alice.post(
        "/api/v1/interactions/",
        {"channel": "email", "channel_key": "support@example.com", "customer_id": "nobody"},
    )

    assert neither.status_code == 400
    assert neither.json()["detail"] == "Give either customer_id or identity."
    assert (unknown.status_code, unknown.json()["detail"]) == (400, "no customer nobody")


def test_a_client_message_id_makes_a_resend_idempotent_on_its_own_interaction_only(as_alice, alice):
    first, second = chat_on("support-site", "one"), chat_on("support-site", "two")
    offered_to_and_accepted(first, alice)
    offered_to_and_accepted(second, alice)

    sent = as_alice.post(
        f"/api/v1/interactions/{first}/messages/", {"text": "Hi", "client_message_id": "reply-1"}
    )
    resent = as_alice.post(
        f"/api/v1/interactions/{first}/messages/", {"text": "Hi", "client_message_id": "reply-1"}
    )
    elsewhere = as_alice.post(
        f"/api/v1/interactions/{second}/messages/", {"text": "Hey", "client_message_id": "reply-1"}
    )

    assert resent.json()["message_id"] == sent.json()["message_id"]
    assert elsewhere.json()["message_id"] != sent.json()["message_id"]
    texts = [e["text"] for e in as_alice.get(f"/api/v1/interactions/{second}/transcript/").json()]
    assert texts == ["two", "Hey"]
    assert types(first).count("MessageSent") == 1
