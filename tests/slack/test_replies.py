"""Agents' replies reach the customer through the real WebClient, in the customer's thread,
under the agent's name; Slack's rate limit is honoured and refusals are recorded."""

from datetime import timedelta

import pytest

from contactcenter import clock
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Delivery, Interaction, TranscriptEntry
from routing import offers, router
from tests.settle import outbox_round
from tests.slack.payloads import envelope, message, post_event

pytestmark = pytest.mark.django_db(transaction=True)


def a_conversation_with(client, agent, text="My invoice is wrong") -> tuple[Interaction, dict]:
    first = message(text)
    post_event(client, envelope(first))
    router.route_once()
    interaction = Interaction.objects.get()
    offers.accept_offer(interaction.id, interaction.offer_id, agent.pk)
    return interaction, first


def reply(interaction, agent, text) -> str:
    return interactions.send_message(
        interaction.id, author=f"agent:{agent.pk}", author_name="Alice Archer", text=text
    )


def test_a_reply_goes_into_the_customers_thread_under_the_agents_name(client, slack, fake, alice):
    interaction, first = a_conversation_with(client, alice)
    message_id = reply(interaction, alice, "Sorry about that <b>Carol</b> & welcome")

    outbox_round()

    (posted,) = fake.posted()
    assert posted["channel"] == "D0CAROL"
    assert posted["thread_ts"] == first["ts"]
    assert posted["username"] == "Alice Archer"
    assert posted["text"] == "Sorry about that &lt;b&gt;Carol&lt;/b&gt; &amp; welcome"
    assert fake.calls[0].headers["Authorization"] == "Bearer xoxb-test-token"
    entry = TranscriptEntry.objects.get(pk=message_id)
    assert entry.delivery_status == "sent"
    assert entry.external_id.startswith("D0CAROL/1700000000.")


def test_a_rate_limit_waits_as_long_as_slack_says_then_delivers(client, slack, fake, alice):
    interaction, _ = a_conversation_with(client, alice)
    message_id = reply(interaction, alice, "One moment please")
    fake.answer_next(429, {"ok": False, "error": "ratelimited"}, Retry_After="120")

    outbox_round()

    delivery = Delivery.objects.get(pk=message_id)
    assert delivery.status == "pending" and "ratelimited" in delivery.last_error
    assert delivery.next_attempt_at - clock.now() > timedelta(seconds=100)
    with clock.travel(timedelta(seconds=60)):
        outbox_round()
    assert len(fake.posted()) == 1  # only the refused attempt so far
    with clock.travel(timedelta(seconds=121)):
        outbox_round()

    assert len(fake.posted()) == 2
    assert TranscriptEntry.objects.get(pk=message_id).delivery_status == "sent"


def test_a_refusal_is_recorded_as_a_failed_delivery_with_slacks_reason(client, slack, fake, alice):
    interaction, _ = a_conversation_with(client, alice)
    message_id = reply(interaction, alice, "Hello?")
    fake.answer_next(200, {"ok": False, "error": "is_archived"})

    outbox_round()

    entry = TranscriptEntry.objects.get(pk=message_id)
    assert (entry.delivery_status, entry.delivery_detail) == ("failed", "Slack: is_archived")


def test_a_server_error_is_retried(client, slack, fake, alice):
    interaction, _ = a_conversation_with(client, alice)
    message_id = reply(interaction, alice, "Still there?")
    fake.answer_next(503, {"ok": False, "error": "service_unavailable"})

    outbox_round()
    with clock.travel(timedelta(seconds=10)):
        outbox_round()

    assert TranscriptEntry.objects.get(pk=message_id).delivery_status == "sent"
    assert Delivery.objects.get(pk=message_id).attempts == 2


def test_a_flow_menu_is_posted_as_block_kit_buttons(client, slack, fake, alice):
    interaction, first = a_conversation_with(client, alice)
    interactions.send_message(
        interaction.id,
        author="flow",
        text="What is it about?",
        channel_data={
            "flow": {
                "step": "menu",
                "options": [
                    {"value": "1", "label": "Billing"},
                    {"value": "2", "label": "Technical support"},
                ],
            }
        },
    )

    outbox_round()

    (posted,) = fake.posted()
    section, actions = posted["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": "What is it about?"}}
    assert actions["type"] == "actions" and actions["block_id"] == "flow:menu:0"
    assert [(b["type"], b["text"]["text"], b["value"]) for b in actions["elements"]] == [
        ("button", "Billing", "1"),
        ("button", "Technical support", "2"),
    ]
    assert posted["text"] == "What is it about?"  # the notification's fallback
    assert posted["thread_ts"] == first["ts"] and "username" not in posted
