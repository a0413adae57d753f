"""Self-service under the privacy rules (docs/privacy.md): what a customer answers a flow is
masked for card numbers and sealed under their key, so erasing them leaves their answers
`erased` in the log, the flow session the agent sees, and a rebuild."""

import pytest
from django.core.management import call_command
from django.db import connection

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.privacy.erasure import erase_customer
from routing.flows.models import FlowSession
from tests.events.test_rebuild import follow_every_catch_up_projection, snapshot
from tests.factories import chat_message
from tests.flows.builders import at_entry, menu_flow
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db(transaction=True)

CARD = "4111 1111 1111 1111"


def raw_log() -> str:
    """The log as stored (as the application's role reads it in CI: sealed)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {store.TABLE}")
        return " ".join(str(row[0]) for row in cursor.fetchall())


def answers(interaction_id: str) -> list[tuple[str, str]]:
    return [
        (e.data["text"], e.data["value"])
        for e in store.read_stream(stream_id(interaction_id))
        if e.type == "FlowAnswerGiven"
    ]


@pytest.fixture
def a_chat_in_the_billing_flow():
    """A visitor picks Billing, types their card number where the account number is asked
    (refused: six digits), then the account number."""
    billing = a_queue("Billing", entry=None)
    sales, support = a_queue("Sales", entry=None), a_queue("Support", entry=None)
    at_entry(menu_flow(billing, sales, support), "webchat", support)
    ingest(chat_message(visitor="v-pay", text="hi"))
    ingest(chat_message(visitor="v-pay", text="Billing", channel_data={"flow_choice": "1"}))
    ingest(chat_message(visitor="v-pay", text=f"my card is {CARD}"))
    return ingest(chat_message(visitor="v-pay", text="123456"))


def test_flow_answers_are_masked_and_sealed(a_chat_in_the_billing_flow):
    chat = a_chat_in_the_billing_flow

    assert answers(chat.interaction_id)[-2:] == [
        ("my card is **** **** **** 1111", ""),
        ("123456", "123456"),
    ]
    assert "my card is" not in raw_log() and "4111 1111" not in raw_log()


def test_erasure_leaves_flow_answers_erased_and_a_rebuild_agrees(a_chat_in_the_billing_flow):
    chat = a_chat_in_the_billing_flow

    erase_customer(chat.customer_id, requested_by="test")

    assert answers(chat.interaction_id)[-2:] == [("erased", ""), ("erased", "erased")]
    session = FlowSession.objects.get(pk=chat.interaction_id)
    given = [a for step in session.path for a in step.get("answers", [])]
    assert given and {a["text"] for a in given} == {"erased"}
    follow_every_catch_up_projection()
    live = snapshot()
    call_command("rebuild_projections", verbosity=0)
    assert snapshot() == live
