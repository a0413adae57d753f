"""The API's rules are the console's: agents see their queues' work and their own, only the
agent handling an interaction (or a supervisor) acts on it, and errors say why."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from contactcenter.api.models import ApiToken
from contactcenter.interactions.models import Interaction
from crm import customers
from crm.identities import IdentityKind, normalise
from routing import router
from tests.api.conftest import chat_on, client_for, offered_to_and_accepted

pytestmark = pytest.mark.django_db


def test_an_agents_token_cannot_read_another_queues_interactions(as_alice, as_bob, alice, bob):
    mine = chat_on("support-site", "support question")
    theirs = chat_on("billing-site", "billing question")

    listed = [i["id"] for i in as_alice.get("/api/v1/interactions/").json()["results"]]

    assert listed == [mine]
    for path in ("", "transcript/", "events/"):
        answer = as_alice.get(f"/api/v1/interactions/{theirs}/{path}")
        assert answer.status_code == 404, path
        assert answer.json()["code"] == "not_found"
    refused = as_alice.post(f"/api/v1/interactions/{theirs}/messages/", {"text": "hi"})
    assert refused.status_code == 404
    assert [i["id"] for i in as_bob.get("/api/v1/interactions/").json()["results"]] == [theirs]


def test_a_supervisor_sees_every_queue(as_sam, sam, alice, bob):
    both = {chat_on("support-site"), chat_on("billing-site")}

    listed = {i["id"] for i in as_sam.get("/api/v1/interactions/").json()["results"]}

    assert listed == both


def test_no_token_an_unknown_token_or_a_revoked_one_is_401_with_a_reason(alice):
    anonymous = APIClient().get("/api/v1/interactions/")
    forged = APIClient(HTTP_AUTHORIZATION="Token cc_not-a-real-key").get("/api/v1/queues/")
    client = client_for(alice)
    ApiToken.objects.update(revoked=True)
    revoked = client.get("/api/v1/queues/")

    assert [r.status_code for r in (anonymous, forged, revoked)] == [401, 401, 401]
    assert anonymous["WWW-Authenticate"] == "Token"
    assert revoked.json() == {
        "code": "authentication_failed",
        "detail": "Unknown or revoked API token.",
    }


def test_a_token_acts_only_with_its_users_role(db):
    nobody = User.objects.create_user("clerk", password="pw-for-tests")

    answer = client_for(nobody).get("/api/v1/interactions/")

    assert answer.status_code == 403
    assert answer.json()["detail"] == "Only agents and supervisors use the API."


def test_only_the_agent_handling_it_or_a_supervisor_may_write_to_the_customer(
    as_alice, as_sam, alice, support, sam
):
    from tests.routing.builders import an_agent

    carol = an_agent(support, username="carol", available=False)
    chat = chat_on("support-site")
    offered_to_and_accepted(chat, alice)

    by_carol = client_for(carol).post(f"/api/v1/interactions/{chat}/messages/", {"text": "hi"})
    by_sam = as_sam.post(f"/api/v1/interactions/{chat}/messages/", {"text": "Sam here"})
    by_alice = as_alice.post(f"/api/v1/interactions/{chat}/messages/", {"text": "Alice here"})

    assert by_carol.status_code == 403
    refusal = "Only the agent handling the interaction, or their supervisor."
    assert by_carol.json()["detail"] == refusal
    assert (by_sam.status_code, by_alice.status_code) == (201, 201)
    authors = [e["author"] for e in as_sam.get(f"/api/v1/interactions/{chat}/transcript/").json()]
    assert authors == ["customer", f"supervisor:{sam.pk}", f"agent:{alice.pk}"]


def test_the_event_feed_is_for_supervisors_and_tokens_with_that_right(alice, sam):
    chat_on("support-site")

    agent = client_for(alice).get("/api/v1/events/")
    trusted = client_for(alice, can_read_events=True).get("/api/v1/events/")
    supervisor = client_for(sam).get("/api/v1/events/")

    assert agent.status_code == 403
    assert (trusted.status_code, supervisor.status_code) == (200, 200)


def test_the_session_works_too_for_the_browser(client, alice):
    client.force_login(alice)

    assert client.get("/api/v1/queues/").status_code == 200


def test_an_agent_sees_only_their_own_agent_record_and_work(as_alice, as_sam, alice, bob, sam):
    chat = chat_on("billing-site")
    client_for(bob).post(f"/api/v1/agents/{bob.pk}/presence/", {"presence": "available"})
    router.route_once()

    listed = as_alice.get("/api/v1/agents/").json()
    another = as_alice.get(f"/api/v1/agents/{bob.pk}/")
    everyone = {a["username"]: a for a in as_sam.get("/api/v1/agents/").json()}

    assert [a["username"] for a in listed] == ["alice"]
    assert another.status_code == 404
    assert as_alice.get(f"/api/v1/agents/{alice.pk}/").json()["username"] == "alice"
    assert everyone["bob"]["work"][0]["interaction_id"] == chat


def outbound(client, queue, **whom):
    return client.post(
        "/api/v1/interactions/",
        {
            "channel": "email",
            "channel_key": "support@example.com",
            "queue_id": queue.pk,
            "subject": "Hello",
            "text": "We would like a word.",
            **whom,
        },
        format="json",
    )


def test_an_agent_starts_conversations_only_in_their_queues_with_customers_they_may_see(
    as_alice, as_sam, alice, sam, support, billing
):
    billed = Interaction.objects.get(pk=chat_on("billing-site", "about my invoice"))
    dora = normalise(IdentityKind.EMAIL, "dora@example.org")
    customers.add_identity(billed.customer_id, dora)

    other_queue = outbound(as_alice, billing, identity={"kind": "email", "address": "e@x.org"})
    by_id = outbound(as_alice, support, customer_id=billed.customer_id)
    by_address = outbound(as_alice, support, identity={"kind": "email", "address": dora.address})
    new_address = outbound(as_alice, support, identity={"kind": "email", "address": "e@x.org"})
    by_supervisor = outbound(as_sam, billing, customer_id=billed.customer_id)

    assert other_queue.status_code == 403
    assert other_queue.json()["detail"] == "You are not in queue Billing."
    assert (by_id.status_code, by_id.json()["detail"]) == (
        400,
        f"no customer {billed.customer_id}",
    )
    assert by_address.status_code == 403
    assert (new_address.status_code, by_supervisor.status_code) == (201, 201)
    visible = as_alice.get("/api/v1/customers/", {"identity": f"email:{dora.address}"})
    assert visible.json()["results"] == []
    assert as_alice.get(f"/api/v1/customers/{billed.customer_id}/").status_code == 404


def test_an_agents_rights_end_when_they_hand_the_interaction_off(
    as_alice, as_sam, alice, sam, support, billing
):
    to_colleagues = chat_on("support-site", "first chat")
    offered_to_and_accepted(to_colleagues, alice)
    elsewhere = chat_on("support-site", "second chat")
    offered_to_and_accepted(elsewhere, alice)
    as_alice.post(
        f"/api/v1/interactions/{to_colleagues}/transfer/", {"kind": "queue", "to_queue": support.pk}
    )
    as_alice.post(
        f"/api/v1/interactions/{elsewhere}/transfer/", {"kind": "queue", "to_queue": billing.pk}
    )

    still_in_my_queue = as_alice.get(f"/api/v1/interactions/{to_colleagues}/")
    send = as_alice.post(f"/api/v1/interactions/{to_colleagues}/messages/", {"text": "me again"})
    close = as_alice.post(f"/api/v1/interactions/{to_colleagues}/close/", {"reason": "spam"})
    gone_live = as_alice.get(f"/api/v1/interactions/{elsewhere}/transcript/")
    send_there = as_alice.post(f"/api/v1/interactions/{elsewhere}/messages/", {"text": "hi"})

    assert still_in_my_queue.json()["state"] == "queued"
    assert (send.status_code, close.status_code) == (403, 403)
    assert (gone_live.status_code, send_there.status_code) == (404, 404)
    assert as_sam.get(f"/api/v1/interactions/{elsewhere}/").status_code == 200


def test_the_agent_who_closed_an_outbound_conversation_cannot_write_on_it_as_a_supervisor(
    as_alice, alice, support
):
    started = outbound(as_alice, support, identity={"kind": "email", "address": "f@x.org"})
    chat = started.json()["id"]
    as_alice.post(f"/api/v1/interactions/{chat}/close/", {"reason": "api"})

    late = as_alice.post(f"/api/v1/interactions/{chat}/messages/", {"text": "one more thing"})
    history = as_alice.get(f"/api/v1/interactions/{chat}/transcript/")

    assert late.status_code == 409
    assert [e["author"] for e in history.json()] == [f"agent:{alice.pk}"]
