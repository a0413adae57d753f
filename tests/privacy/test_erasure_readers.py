"""Readers that follow the log on their own — webhooks — send "erased" once a customer is
erased, even for events they had not delivered yet."""

import pytest

from contactcenter.privacy.erasure import erase_customer
from tests.factories import new_chat
from tests.webhooks.test_delivery import receiver, run_until_idle, subscribe  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_webhooks_deliver_erased_for_an_erased_customer(receiver):  # noqa: F811
    subscribe(receiver)
    kept = new_chat(text="keep this")
    gone = new_chat(text="forget this", sender_name="Gwen Gone")
    erase_customer(gone.customer_id, requested_by="test")

    run_until_idle()

    messages = {
        e["data"]["interaction_id"]: e["data"]
        for e in receiver.accepted()
        if e["type"] == "MessageReceived"
    }
    assert messages[kept.interaction_id]["text"] == "keep this"
    assert messages[gone.interaction_id]["text"] == "erased"
    assert messages[gone.interaction_id]["sender_name"] == "erased"
    bodies = " ".join(str(r.body) for r in receiver.requests)
    assert "forget this" not in bodies and "Gwen Gone" not in bodies
