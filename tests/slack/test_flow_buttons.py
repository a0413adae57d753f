"""A click on a flow's Block Kit button comes back as the customer's answer: an inbound
message with the button's label as text and its value as `flow_choice`."""

import pytest

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from tests.slack.payloads import (
    block_actions,
    envelope,
    message,
    post_click,
    post_event,
    signature_headers,
)

pytestmark = pytest.mark.django_db


def test_a_button_click_becomes_the_customers_answer_in_the_same_interaction(client, slack):
    first = message("Hi")
    post_event(client, envelope(first))
    interaction = Interaction.objects.get()

    answer = post_click(
        client,
        block_actions(
            "1", "Billing", channel="D0CAROL", message_ts="1700000000.000009", thread_ts=first["ts"]
        ),
    )

    assert answer.status_code == 200
    choice = store.read_stream(stream_id(interaction.id))[-1]
    assert choice.type == "MessageReceived"
    assert choice.data["text"] == "Billing"
    assert choice.data["channel_data"] == {"flow_choice": "1"}
    assert choice.data["sender"] == "T0CUSTOMR:U0CAROL"
    assert Interaction.objects.count() == 1


def test_an_unsigned_click_is_refused_and_other_interactivity_is_acknowledged(client, slack):
    click = block_actions("1", "Billing", channel="D0CAROL", message_ts="1.2", thread_ts="1.1")

    forged = post_click(client, click, secret="forged")
    shortcut = post_click(client, {"type": "shortcut", "team": {"id": "T0CUSTOMR"}})

    assert forged.status_code == 401
    assert shortcut.status_code == 200
    assert store.count() == 0


def test_a_click_without_a_payload_gets_a_reason(client, slack):
    answer = client.post(
        "/hooks/slack/interactions/",
        "x=1",
        content_type="application/x-www-form-urlencoded",
        **signature_headers(b"x=1"),
    )
    assert answer.status_code == 400
