"""Reading through the API: filtered, paginated interactions, transcripts and streams,
customers with identities, queues with live figures, agents, dispositions."""

from datetime import timedelta

import pytest

from contactcenter import clock
from routing import router
from tests.api.conftest import chat_on, offered_to_and_accepted

pytestmark = pytest.mark.django_db


def test_interactions_filter_by_state_channel_queue_customer_and_dates(as_sam, sam, alice, support):
    early = chat_on("support-site", "early")
    with clock.travel(timedelta(hours=2)):
        later = chat_on("support-site", "later")
        offered_to_and_accepted(later, alice)
    billing_chat = chat_on("billing-site", "money")
    cut = (clock.now() + timedelta(hours=1)).isoformat()

    def ids(**params):
        answer = as_sam.get("/api/v1/interactions/", params)
        assert answer.status_code == 200, answer.json()
        return {i["id"] for i in answer.json()["results"]}

    assert ids(state="active") == {later}
    assert ids(queue=support.pk) == {early, later}
    assert ids(channel="webchat") == {early, later, billing_chat}
    assert ids(created_after=cut) == {later}
    assert ids(created_before=cut) == {early, billing_chat}
    customer = as_sam.get(f"/api/v1/interactions/{early}/").json()["customer_id"]
    assert ids(customer=customer) == {early}
    bad = as_sam.get("/api/v1/interactions/", {"created_after": "last tuesday"})
    assert bad.status_code == 400 and "created_after" in bad.json()["errors"]


def test_interactions_come_in_stable_cursor_pages(as_sam, sam):
    made = [chat_on("support-site", f"chat {n}") for n in range(5)]

    seen, url = [], "/api/v1/interactions/?limit=2"
    while url:
        page = as_sam.get(url).json()
        seen += [i["id"] for i in page["results"]]
        url = page["next"]

    assert sorted(seen) == sorted(made) and len(seen) == 5


def test_the_transcript_and_the_event_stream_of_an_interaction(as_alice, alice):
    chat = chat_on("support-site", "<script>alert(1)</script> my order")
    offered_to_and_accepted(chat, alice)
    as_alice.post(f"/api/v1/interactions/{chat}/messages/", {"text": "Looking now"})

    transcript = as_alice.get(f"/api/v1/interactions/{chat}/transcript/").json()
    stream = as_alice.get(f"/api/v1/interactions/{chat}/events/").json()

    assert [(e["kind"], e["text"]) for e in transcript] == [
        ("inbound", "<script>alert(1)</script> my order"),
        ("outbound", "Looking now"),
    ]
    assert [e["type"] for e in stream][:2] == ["InteractionCreated", "MessageReceived"]
    assert [e["version"] for e in stream] == list(range(1, len(stream) + 1))


def test_customers_with_their_identities_found_by_identity(as_sam, as_alice, sam, alice):
    chat_on("support-site", sender_address="visitor-dora", sender_name="Dora")
    chat_on("billing-site", sender_address="visitor-eve")

    everyone = as_sam.get("/api/v1/customers/").json()["results"]
    found = as_sam.get("/api/v1/customers/", {"identity": "web:visitor-dora"}).json()["results"]
    alices = as_alice.get("/api/v1/customers/").json()["results"]

    assert len(everyone) == 2
    assert [(c["name"], c["identities"]) for c in found] == [
        ("Dora", [{"kind": "web", "address": "visitor-dora", "display_name": "Dora"}])
    ]
    assert [c["name"] for c in alices] == ["Dora"]  # customers of her queues only
    bad = as_sam.get("/api/v1/customers/", {"identity": "fax:123"})
    assert bad.status_code == 400


def test_queues_show_live_waiting_and_agent_figures(as_sam, sam, alice, bob, support, billing):
    chat_on("support-site")
    with clock.travel(timedelta(seconds=90)):
        chat_on("billing-site")
        chat_on("billing-site")
        router.route_once()  # alice gets the support chat; billing has nobody available
        queues = {q["name"]: q for q in as_sam.get("/api/v1/queues/").json()}

    billing_now, support_now = queues["Billing"]["stats"], queues["Support"]["stats"]
    assert billing_now["waiting"] == 2
    assert billing_now["agents_logged_in"] == billing_now["agents_available"] == 0
    assert support_now["waiting"] == 1  # offered still counts as waiting
    assert (support_now["agents_logged_in"], support_now["agents_busy"]) == (1, 1)
    # the support chat has waited the 90 s travelled, the billing ones (almost) nothing
    assert support_now["longest_wait_seconds"] >= 90 > billing_now["longest_wait_seconds"]
    assert queues["Support"]["sl_target_percent"] == 80
    assert as_sam.get(f"/api/v1/queues/{support.pk}/").json()["name"] == "Support"
    assert as_sam.get("/api/v1/queues/999999/").status_code == 404


def test_agents_with_presence_and_work_and_dispositions_by_queue(as_sam, sam, alice, billing):
    chat = chat_on("support-site")
    offered_to_and_accepted(chat, alice)

    agents = {a["username"]: a for a in as_sam.get("/api/v1/agents/").json()}
    dispositions = as_sam.get("/api/v1/dispositions/", {"queue": billing.pk}).json()

    assert (agents["alice"]["presence"], agents["alice"]["activity"]) == ("available", "busy")
    assert agents["alice"]["work"][0]["interaction_id"] == chat
    assert agents["sam"]["presence"] == "offline"
    assert sorted(d["code"] for d in dispositions) == ["refund", "resolved"]


def test_a_whisper_is_read_by_the_agent_handling_it_not_by_a_colleague(
    as_alice, alice, sam, support
):
    """A supervisor's whisper is for the agent handling the conversation. A colleague in the
    same queue may read the conversation through the API, and read the whisper with it."""
    from contactcenter.actions import Actor
    from contactcenter.actions.supervision import whisper
    from tests.api.conftest import client_for
    from tests.routing.builders import an_agent

    chat = chat_on("support-site", "my order")
    offered_to_and_accepted(chat, alice)
    whisper(Actor.of(sam, "api"), chat, "offer the refund")
    as_carol = client_for(an_agent(support, username="carol", available=False))

    def whispers(client):
        transcript = client.get(f"/api/v1/interactions/{chat}/transcript/").json()
        stream = client.get(f"/api/v1/interactions/{chat}/events/").json()
        noted = [e["data"] for e in stream if e["type"] == "InternalNoteAdded"]
        return [e["text"] for e in transcript if e["kind"] == "note"], noted

    assert whispers(as_alice)[0] == ["offer the refund"]
    assert whispers(as_alice)[1][0]["text"] == "offer the refund"
    in_transcript, in_stream = whispers(as_carol)
    assert in_transcript == []
    assert len(in_stream) == 1 and "text" not in in_stream[0]  # there is one, unread
