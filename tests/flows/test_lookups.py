"""Lookup steps against a business system over real HTTPS on 127.0.0.1: signed requests,
answers fine, slow, failing and malformed, retries, the circuit breaker, and a customer's
chat that a lookup answers — or hands to an agent with what it found."""

import pytest
from django.core.exceptions import ValidationError

from contactcenter.console.state import interaction_view
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.webhooks import signing
from routing.flows import lookups
from routing.flows.engine import LookupCall
from routing.flows.models import FlowSession, Lookup
from tests.factories import chat_message
from tests.flows.builders import a_flow, at_entry
from tests.flows.business_system import Answer, BusinessSystem
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    lookups.forget()
    system = BusinessSystem()
    yield system
    system.close()
    lookups.forget()


def a_lookup(system: BusinessSystem, **fields) -> Lookup:
    fields = {"timeout_ms": 1000, "retries": 1, "trusted_ca": system.certificate} | fields
    return Lookup.objects.create(name=fields.pop("name", "Orders"), url=system.url, **fields)


def call(lookup: Lookup, **values) -> LookupCall:
    return LookupCall(
        interaction_id="i-1", flow="orders", step="find", lookup_id=lookup.pk, values=values
    )


def test_the_request_is_signed_and_carries_the_steps_values(system):
    lookup = a_lookup(system)
    system.answer_next(Answer(200, {"status": "shipped"}))

    answer = lookups.ask(call(lookup, order_number="A-1001"))

    assert (answer.outcome, answer.answer, answer.status, answer.attempts) == (
        "answered",
        {"status": "shipped"},
        200,
        1,
    )
    (request,) = system.received
    assert signing.verify(lookup.secret, request.headers, request.body)
    assert not signing.verify("whsec_" + "A" * 32, request.headers, request.body)
    assert request.json == {
        "lookup": "Orders",
        "interaction_id": "i-1",
        "flow": "orders",
        "step": "find",
        "values": {"order_number": "A-1001"},
    }


def test_a_slow_system_times_out_is_asked_again_with_the_same_id_then_falls_back(system):
    lookup = a_lookup(system, timeout_ms=200, retries=1)
    system.answer_next(Answer(200, {"late": True}, delay=1.0), Answer(200, {}, delay=1.0))

    answer = lookups.ask(call(lookup, order_number="A-1"))

    assert (answer.outcome, answer.attempts) == ("timeout", 2)
    ids = {r.headers["webhook-id"] for r in system.received}
    assert len(system.received) == 2 and len(ids) == 1  # the endpoint can tell it is a retry


def test_a_failing_system_is_asked_again_and_its_second_answer_counts(system):
    lookup = a_lookup(system, retries=2)
    system.answer_next(Answer(503, b"busy"), Answer(200, {"status": "packing"}))

    answer = lookups.ask(call(lookup))

    assert (answer.outcome, answer.answer, answer.attempts) == (
        "answered",
        {"status": "packing"},
        2,
    )


@pytest.mark.parametrize(
    "reply, outcome",
    [
        (Answer(200, b"<html>Gateway says hi</html>"), "malformed"),
        (Answer(200, b'["a list", "not an object"]'), "malformed"),
        (Answer(200, b"\xff\xfe not utf-8"), "malformed"),
        (Answer(404, {"error": "no such order"}), "not_found"),
        (Answer(401, {"error": "bad signature"}), "refused"),
    ],
)
def test_an_answer_that_asking_again_would_not_change_is_not_retried(system, reply, outcome):
    lookup = a_lookup(system, retries=3)
    system.answer_next(reply)

    answer = lookups.ask(call(lookup))

    assert (answer.outcome, answer.attempts) == (outcome, 1)
    assert len(system.received) == 1


def test_a_certificate_the_lookup_does_not_trust_is_refused_before_anything_is_sent(system):
    lookup = a_lookup(system, trusted_ca="", retries=0)

    answer = lookups.ask(call(lookup, order_number="A-1"))

    assert answer.outcome == "unreachable"
    assert system.received == []


def test_failures_in_a_row_open_the_circuit_and_flows_stop_waiting_on_the_system(system):
    lookup = a_lookup(system, retries=0, failure_threshold=2, open_seconds=60)
    system.answer_next(Answer(500), Answer(500))
    assert lookups.ask(call(lookup)).outcome == "error"
    assert lookups.ask(call(lookup)).outcome == "error"

    answer = lookups.ask(call(lookup))

    assert (answer.outcome, answer.attempts) == ("circuit_open", 0)
    assert len(system.received) == 2  # not asked while open


def test_a_lookup_must_be_https():
    lookup = Lookup(name="Plain", url="http://orders.example.com/lookup")

    with pytest.raises(ValidationError) as refused:
        lookup.full_clean()

    assert "url" in refused.value.message_dict


# -- in a customer's conversation ------------------------------------------------------------


@pytest.fixture
def order_flow(system):
    orders = a_queue("Orders", entry=None)
    support = a_queue("Support", entry="webchat:*")
    support.screen_pop_url = "https://crm.example.com/find?order={order_number}&c={customer_id}"
    support.save()
    lookup = a_lookup(system, timeout_ms=500, retries=0)
    flow = a_flow(
        "ask",
        {
            "ask": {
                "kind": "collect",
                "text": "Your order number?",
                "attribute": "order_number",
                "next_step": "find",
            },
            "find": {
                "kind": "lookup",
                "lookup": lookup,
                "inputs": "order_number",
                "assignments": "order_status = status\nshipped_on = shipment.date",
                "next_step": "shipped",
                "fallback_step": "to-agent",
            },
            "shipped": {
                "kind": "condition",
                "attribute": "order_status",
                "pattern": "shipped",
                "next_step": "tell",
                "fallback_step": "to-agent",
            },
            "tell": {"kind": "end", "text": "Order {order_number} shipped on {shipped_on}."},
            "to-agent": {"kind": "route", "text": "An agent will help you.", "queue": support},
        },
    )
    at_entry(flow, "webchat", orders)
    return system, support


def flow_texts(interaction_id: str) -> list[str]:
    entries = TranscriptEntry.objects.filter(interaction_id=interaction_id, author="flow")
    return [e.text for e in entries.order_by("position")]


def test_a_customer_asking_where_their_order_is_gets_the_answer_without_an_agent(order_flow):
    system, _ = order_flow
    system.answer_next(Answer(200, {"status": "shipped", "shipment": {"date": "2026-11-28"}}))

    chat = ingest(chat_message(visitor="v-1", text="where is my order?"))
    ingest(chat_message(visitor="v-1", text="A-1001"))

    assert flow_texts(chat.interaction_id)[-1] == "Order A-1001 shipped on 2026-11-28."
    assert Interaction.objects.get(pk=chat.interaction_id).state == "closed"
    assert system.received[0].json["values"] == {"order_number": "A-1001"}


def test_a_lookup_that_fails_hands_off_and_the_agent_sees_what_the_flow_found(
    order_flow, django_user_model
):
    system, support = order_flow
    system.answer_next(Answer(200, b"Service Unavailable (HTML from a proxy)"))

    chat = ingest(chat_message(visitor="v-2", text="hi"))
    ingest(chat_message(visitor="v-2", text="A-2002"))

    row = Interaction.objects.get(pk=chat.interaction_id)
    assert (row.state, row.queue_id) == ("queued", support.pk)
    assert flow_texts(chat.interaction_id)[-1] == "An agent will help you."
    session = FlowSession.objects.get(pk=chat.interaction_id)
    assert session.attributes == {"order_number": "A-2002", "lookup_failed": "malformed"}
    assert {"step": "find", "kind": "lookup", "note": "malformed"} in session.path
    supervisor = django_user_model.objects.create_user("sup", is_staff=True, is_superuser=True)
    view = interaction_view(chat.interaction_id, supervisor)
    assert view["screen_pop"] == {
        "url": f"https://crm.example.com/find?order=A-2002&c={row.customer_id}",
        "queue": "Support",
    }
